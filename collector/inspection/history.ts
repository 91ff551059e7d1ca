// What is derived from the stored samples, put together: the engine (rollups, compaction,
// retention) with incidents as background jobs, the maintenance windows both follow, and the
// readers the API and the pages use.
import type { IncidentsConfig, RetentionConfig } from "../../shared/config/collector.js";
import type { Logger } from "../../shared/log.js";
import type { CheckResult } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import {
  type CheckInput,
  type CheckSeries,
  type Compaction,
  DAY,
  type DayMerge,
  JobRunner,
  type LayoutUpgrade,
  type Retention,
  type RollupReader,
  type Rollups,
  type SampleReader,
  type SeriesCatalog,
  type SeriesDays,
  Tsdb,
  type Watermarks,
} from "../tsdb/index.js";
import { bucketTimes } from "./availability.js";
import { AvailabilityQuery } from "./availability-query.js";
import { Dependencies } from "./dependencies.js";
import { type IncidentListener, Incidents } from "./incidents.js";
import { Maintenance, type Subject } from "./maintenance.js";
import { recordRetention } from "./retention.js";

export interface HistoryOptions {
  retention: RetentionConfig;
  incidents: IncidentsConfig;
  /** When the collector started (silence is not counted from before). */
  startedAt: number;
  clock?: () => number;
  log?: Logger;
  /** Each unit's root check (units[].root), the default parent of its remote checks. */
  roots?: ReadonlyMap<string, string>;
  /** Told of incidents opened and closed, inside the transactions that write them. */
  incidentListener?: IncidentListener;
  onStep?: (job: string, seconds: number) => void;
}

/** What the history follows of each batch stored, inside the transaction that stores it. */
export interface HistoryHooks {
  stored(unit: string, oldestTs: number): void;
  checkChanged(agentId: number): void;
  result(agent: { id: number; unit: string }, seriesId: number, result: CheckResult): void;
  rolledBack(): void;
}

export class History {
  readonly catalog: SeriesCatalog;
  readonly samples: SampleReader;
  readonly marks: Watermarks;
  readonly rollups: Rollups;
  readonly rollupReader: RollupReader;
  readonly compaction: Compaction;
  readonly dayMerge: DayMerge;
  readonly retention: Retention;
  /** Moving an older store's rollups into chunks (progress on /metrics). */
  readonly upgrade: LayoutUpgrade;
  /** Making check series' local days from their hours in a store from before they had days. */
  readonly seriesDays: SeriesDays;
  readonly incidents: Incidents;
  readonly availability: AvailabilityQuery;
  readonly maintenance: Maintenance;
  readonly dependencies: Dependencies;
  readonly jobs: JobRunner;
  readonly #agentName;
  readonly #agentNames = new Map<number, string>();

  constructor(
    readonly db: Db,
    readonly options: HistoryOptions,
  ) {
    this.maintenance = new Maintenance(db);
    // Time in maintenance is neither up nor down, and down time while a parent was down is the
    // parent's: both worked out per unit from the windows and the dependencies.
    const checkTimes = (checks: readonly CheckInput[], from: number, to: number, size: number) => {
      const unit = checks[0] === undefined ? undefined : this.catalog.get(checks[0].id)?.unit;
      const check = (id: number) => this.catalog.get(id) as CheckSeries | undefined;
      const parents = (id: number) => {
        const c = check(id);
        return c ? this.dependencies.parentSeries(c.agentId, c.unit, c.check) : [];
      };
      if (unit === undefined || !this.maintenance.has(unit)) {
        return bucketTimes(checks, from, to, size, undefined, parents);
      }
      const planned = (id: number) => {
        const c = check(id);
        return c ? this.maintenance.planned(c, from, to) : [];
      };
      return bucketTimes(checks, from, to, size, planned, parents);
    };
    const tsdb = new Tsdb(db, {
      retention: options.retention,
      checkTimes,
      retentionPhases: recordRetention(db),
      ...(options.log ? { log: options.log } : {}),
    });
    this.catalog = tsdb.catalog;
    this.samples = tsdb.samples;
    this.marks = tsdb.marks;
    this.rollups = tsdb.rollups;
    this.rollupReader = tsdb.rollupReader;
    this.compaction = tsdb.compaction;
    this.dayMerge = tsdb.dayMerge;
    this.retention = tsdb.retention;
    this.upgrade = tsdb.upgrade;
    this.seriesDays = tsdb.seriesDays;
    // Rollups already made of a time a window now covers (or no longer does) are made again;
    // no further back than raw samples are kept.
    this.maintenance.onChange((unit, from, now) => {
      this.marks.late(unit, Math.max(from, now - options.retention.raw));
    });
    this.#agentName = db.prepare("SELECT name FROM agents WHERE id = ?").pluck();
    this.dependencies = new Dependencies(db, this.catalog, options.roots);
    this.incidents = new Incidents(
      db,
      options.incidents,
      options.startedAt,
      options.incidentListener,
      (incident, ts) => this.#planned(incident, ts),
      (check) => this.dependencies.parentSeries(check.agentId, check.unit, check.check),
    );
    this.availability = new AvailabilityQuery(
      this.catalog,
      this.samples,
      this.rollupReader,
      this.marks,
      tsdb.scopes,
      options.retention,
      checkTimes,
      // Rows of an older release's rollups have no days: they are read as hours until moved.
      () => tsdb.upgrade.done && tsdb.seriesDays.done,
    );
    this.jobs = new JobRunner([this.incidents, ...tsdb.jobs], {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
  }

  /** For the batch store (inside its transactions): late data and results to follow. */
  readonly hooks: HistoryHooks = {
    stored: (unit, ts) => this.marks.late(unit, ts),
    checkChanged: (agentId) => this.dependencies.changed(agentId),
    result: (agent, seriesId, result) =>
      this.incidents.result(
        {
          id: seriesId,
          agentId: agent.id,
          unit: agent.unit,
          check: result.check,
          category: result.category,
        },
        result.ts,
        result.up,
        result.reason,
        result.message,
      ),
    rolledBack: () => {
      this.incidents.forget();
      this.dependencies.forget();
    },
  };

  /** Whether an incident beginning at `ts` begins in planned maintenance. */
  #planned(
    incident: { unit: string; agentId: number; check: string | null; category: string | null },
    ts: number,
  ): boolean {
    if (!this.maintenance.has(incident.unit)) return false;
    let agent = this.#agentNames.get(incident.agentId);
    if (agent === undefined) {
      agent = (this.#agentName.get(incident.agentId) as string | undefined) ?? "";
      this.#agentNames.set(incident.agentId, agent);
    }
    const subject: Subject = {
      unit: incident.unit,
      agent,
      check: incident.check ?? undefined,
      category: incident.category ?? undefined,
    };
    return this.maintenance.covers(subject, ts);
  }

  /**
   * Follows, once, the results of checks stored before incidents were looked for (a database
   * from an older version): the last day of them, so incidents still open are found.
   */
  catchUp(now: number): void {
    this.catalog.refresh();
    const units = this.db.prepare("SELECT id FROM units").pluck().all() as string[];
    this.db.transaction(() => {
      for (const unit of units) {
        for (const check of this.catalog.unitChecks(unit)) {
          if (this.incidents.known(check.id)) continue;
          this.incidents.follow(
            check,
            this.samples.read(check.id, now - DAY, Number.POSITIVE_INFINITY),
          );
        }
      }
    })();
  }
}
