// Incidents: a check failing `openAfter` results in a row opens one (starting at the first of
// them, with that run's reason), `closeAfter` good results in a row close it (ending at the first
// of them). An agent the collector hears nothing from for `silentAfter` has an incident of its own.
import type { IncidentsConfig } from "../../shared/config/collector.js";
import type { CheckSeries, SeriesCatalog } from "./catalog.js";
import type { Samples } from "./chunk-codec.js";
import type { Db } from "./database.js";
import type { Job } from "./maintenance.js";
import type { RawSamples } from "./raw.js";

export interface TrackerState {
  /** True while an incident is open. */
  down: boolean;
  /** Consecutive results against the current state, and the time of the first of them. */
  run: number;
  runStart: number | undefined;
}

export type IncidentEvent = { type: "open"; start: number } | { type: "close"; end: number };

/** Feeds one result to the hysteresis; returns what it opened or closed, if anything. */
export function track(
  state: TrackerState,
  ts: number,
  up: boolean,
  settings: Pick<IncidentsConfig, "openAfter" | "closeAfter">,
): IncidentEvent | undefined {
  // A result that agrees with the current state ends any run against it.
  if (up !== state.down) {
    state.run = 0;
    state.runStart = undefined;
    return undefined;
  }
  if (state.run === 0) state.runStart = ts;
  state.run++;
  if (state.run < (state.down ? settings.closeAfter : settings.openAfter)) return undefined;
  const at = state.runStart as number;
  state.down = !state.down;
  state.run = 0;
  state.runStart = undefined;
  return state.down ? { type: "open", start: at } : { type: "close", end: at };
}

interface CheckState extends TrackerState {
  processed: number;
  incident: number | undefined;
}

/** Time between passes over every check looking for new results. */
const PASS_MS = 5000;
const STEP_MS = 5;

export class Incidents implements Job {
  readonly name = "incidents";
  readonly #db: Db;
  readonly #states = new Map<number, CheckState>();
  readonly #loadState;
  readonly #saveState;
  readonly #failure;
  readonly #open;
  readonly #close;
  readonly #agents;
  readonly #openSilences;
  readonly #firstBatchAfter;
  #pass: { checks: CheckSeries[]; next: number } | undefined;
  #lastPass = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    private readonly catalog: SeriesCatalog,
    private readonly raw: RawSamples,
    private readonly settings: IncidentsConfig,
    /** When the collector started: it cannot have heard agents while it was not running. */
    private readonly startedAt: number,
  ) {
    this.#db = db;
    this.#loadState = db.prepare(`
      SELECT processed_ts AS processed, down, run, run_start AS runStart, incident_id AS incident
      FROM incident_state WHERE series_id = ?`);
    this.#saveState = db.prepare(`
      INSERT OR REPLACE INTO incident_state (series_id, processed_ts, down, run, run_start, incident_id)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.#failure = db.prepare(
      "SELECT reason, message FROM failures WHERE agent_id = ? AND check_name = ? AND ts = ?",
    );
    this.#open = db.prepare(`
      INSERT INTO incidents (kind, unit_id, agent_id, series_id, check_name, category, start_ts, reason, message)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#close = db.prepare("UPDATE incidents SET end_ts = ? WHERE id = ?");
    this.#agents = db.prepare(`
      SELECT a.id, a.unit_id AS unit, a.last_seen AS lastSeen, a.revoked_at AS revokedAt
      FROM agents a JOIN units u ON u.id = a.unit_id WHERE u.active = 1 AND a.last_seen IS NOT NULL`);
    this.#openSilences = db.prepare(
      "SELECT agent_id AS agent, id, start_ts AS start FROM incidents WHERE end_ts IS NULL AND kind = 'silence'",
    );
    this.#firstBatchAfter = db
      .prepare("SELECT min(received_at) FROM batches WHERE agent_id = ? AND received_at > ?")
      .pluck();
  }

  step(now: number): boolean {
    if (!this.#pass) {
      if (now - this.#lastPass < PASS_MS) return false;
      this.catalog.refresh();
      this.#lastPass = now;
      this.#pass = { checks: this.#allChecks(), next: 0 };
    }
    const pass = this.#pass;
    const until = performance.now() + STEP_MS;
    this.#db.transaction(() => {
      while (pass.next < pass.checks.length && performance.now() < until) {
        const check = pass.checks[pass.next++] as CheckSeries;
        this.#follow(check, this.raw.read(check.id, this.#state(check).processed + 1, Infinity));
      }
      if (pass.next >= pass.checks.length) {
        this.#silences(now);
        this.#pass = undefined;
      }
    })();
    return true;
  }

  #allChecks(): CheckSeries[] {
    const units = this.#db.prepare("SELECT id FROM units").pluck().all() as string[];
    return units.flatMap((unit) => [...this.catalog.unitChecks(unit)]);
  }

  #state(check: CheckSeries): CheckState {
    let state = this.#states.get(check.id);
    if (!state) {
      const row = this.#loadState.get(check.id) as
        | {
            processed: number;
            down: number;
            run: number;
            runStart: number | null;
            incident: number | null;
          }
        | undefined;
      state = row
        ? {
            processed: row.processed,
            down: row.down === 1,
            run: row.run,
            runStart: row.runStart ?? undefined,
            incident: row.incident ?? undefined,
          }
        : { processed: 0, down: false, run: 0, runStart: undefined, incident: undefined };
      this.#states.set(check.id, state);
    }
    return state;
  }

  /**
   * Feeds a check's results newer than those already seen (inside a transaction). Results of one
   * check reach the collector in time order, as each agent sends its buffer first in, first out.
   */
  follow(check: CheckSeries, samples: Samples): void {
    this.#follow(check, samples);
  }

  #follow(check: CheckSeries, samples: Samples): void {
    if (samples.ts.length === 0) return;
    const state = this.#state(check);
    for (let i = 0; i < samples.ts.length; i++) {
      const ts = samples.ts[i] as number;
      if (ts <= state.processed) continue;
      state.processed = ts;
      const event = track(state, ts, (samples.values[i] as number) > 0, this.settings);
      if (event?.type === "open") {
        const failure = this.#failure.get(check.agentId, check.check, event.start) as
          | { reason: string; message: string | null }
          | undefined;
        state.incident = Number(
          this.#open.run(
            "check",
            check.unit,
            check.agentId,
            check.id,
            check.check,
            check.category,
            event.start,
            failure?.reason ?? "error",
            failure?.message ?? null,
          ).lastInsertRowid,
        );
      } else if (event?.type === "close" && state.incident !== undefined) {
        this.#close.run(event.end, state.incident);
        state.incident = undefined;
      }
    }
    this.#saveState.run(
      check.id,
      state.processed,
      state.down ? 1 : 0,
      state.run,
      state.runStart ?? null,
      state.incident ?? null,
    );
  }

  #silences(now: number): void {
    const open = new Map(
      (this.#openSilences.all() as { agent: number; id: number; start: number }[]).map((r) => [
        r.agent,
        r,
      ]),
    );
    const agents = this.#agents.all() as {
      id: number;
      unit: string;
      lastSeen: number;
      revokedAt: number | null;
    }[];
    for (const agent of agents) {
      const incident = open.get(agent.id);
      if (incident) {
        if (agent.revokedAt !== null) {
          this.#close.run(Math.max(incident.start, agent.revokedAt), incident.id);
        } else if (agent.lastSeen > incident.start) {
          const heard =
            (this.#firstBatchAfter.get(agent.id, incident.start) as number | null) ??
            agent.lastSeen;
          this.#close.run(Math.min(heard, agent.lastSeen), incident.id);
        }
        continue;
      }
      if (agent.revokedAt !== null) continue;
      const since = Math.max(agent.lastSeen, this.startedAt);
      if (now - since > this.settings.silentAfter) {
        this.#open.run("silence", agent.unit, agent.id, null, null, null, since, null, null);
      }
    }
  }
}
