// What the store derives from raw samples, put together: rollups, compaction, retention and
// incidents as background jobs, and the readers the API and the pages use.
import type { IncidentsConfig, RetentionConfig } from "../../shared/config/collector.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import { DAY } from "../tsdb/buckets.js";
import { SeriesCatalog } from "../tsdb/catalog.js";
import { Compaction } from "../tsdb/compaction.js";
import { JobRunner } from "../tsdb/jobs.js";
import { Retention } from "../tsdb/retention.js";
import { Rollups } from "../tsdb/rollups.js";
import { RawSamples } from "../tsdb/sample-reader.js";
import type { StoreHooks } from "../tsdb/sample-writer.js";
import { ScopeIds } from "../tsdb/scopes.js";
import { Watermarks } from "../tsdb/watermarks.js";
import { AvailabilityQuery } from "./availability-query.js";
import { Incidents } from "./incidents.js";

export interface HistoryOptions {
  retention: RetentionConfig;
  incidents: IncidentsConfig;
  /** When the collector started (silence is not counted from before). */
  startedAt: number;
  clock?: () => number;
  log?: Logger;
  onStep?: (job: string, seconds: number) => void;
}

export class History {
  readonly catalog: SeriesCatalog;
  readonly raw: RawSamples;
  readonly marks: Watermarks;
  readonly scopes: ScopeIds;
  readonly rollups: Rollups;
  readonly compaction: Compaction;
  readonly retention: Retention;
  readonly incidents: Incidents;
  readonly availability: AvailabilityQuery;
  readonly jobs: JobRunner;

  constructor(
    readonly db: Db,
    readonly options: HistoryOptions,
  ) {
    this.catalog = new SeriesCatalog(db);
    this.raw = new RawSamples(db);
    this.marks = new Watermarks(db);
    this.scopes = new ScopeIds(db);
    this.rollups = new Rollups(db, this.catalog, this.raw, this.marks, {
      rawRetentionMs: options.retention.raw,
    });
    this.compaction = new Compaction(db);
    this.retention = new Retention(db, options.retention);
    this.incidents = new Incidents(db, options.incidents, options.startedAt);
    this.availability = new AvailabilityQuery(
      db,
      this.catalog,
      this.raw,
      this.marks,
      this.scopes,
      options.retention,
    );
    this.jobs = new JobRunner([this.incidents, this.rollups, this.compaction, this.retention], {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.onStep ? { onStep: options.onStep } : {}),
    });
  }

  /** For the sample store (inside its transactions): late data and results to follow. */
  readonly hooks: StoreHooks = {
    stored: (unit, ts) => this.marks.late(unit, ts),
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
    rolledBack: () => this.incidents.forget(),
  };

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
            this.raw.read(check.id, now - DAY, Number.POSITIVE_INFINITY),
          );
        }
      }
    })();
  }
}
