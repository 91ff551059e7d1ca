// Incidents: a check failing `openAfter` results in a row opens one (starting at the first of
// them, with that run's reason), `closeAfter` good results in a row close it (ending at the first
// of them). Results are followed as they are stored, in the same transaction, so nothing is read
// twice; agents send their buffers first in, first out, so a check's results come in time order
// even when they arrive hours late. An agent the collector hears nothing from for `silentAfter`
// has an incident of its own, looked for by a background step. An incident that begins inside a
// planned maintenance window is marked planned. A listener (notifications) is told of each
// incident opened or closed, inside the same transaction.
import type { IncidentsConfig } from "../../shared/config/collector.js";
import type { Db } from "../db/database.js";
import type { CheckSeries, Job, Samples } from "../tsdb/index.js";
import type { IncidentListener, OpenedIncident } from "./incident-listener.js";

export type { IncidentListener, OpenedIncident } from "./incident-listener.js";

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

/** What an incident needs to know about the check a result belongs to. */
export interface CheckKey {
  /** The check's giamsat_check_up series. */
  id: number;
  agentId: number;
  unit: string;
  check: string;
  category: string;
}

interface CheckState extends TrackerState {
  processed: number;
  incident: number | undefined;
  /** Why the first failure of the current run failed, for the incident it may open. */
  reason: string | undefined;
  message: string | undefined;
}

/** Whether an incident of this check (check null: the agent's silence) beginning at `ts` is planned. */
export type PlannedAt = (
  incident: { unit: string; agentId: number; check: string | null; category: string | null },
  ts: number,
) => boolean;

/** How often silent agents are looked for. */
const SILENCE_EVERY_MS = 5000;

export class Incidents implements Job {
  readonly name = "incidents";
  readonly #states = new Map<number, CheckState>();
  readonly #loadState;
  readonly #saveState;
  readonly #failure;
  readonly #open;
  readonly #close;
  readonly #agents;
  readonly #openSilences;
  readonly #firstBatchAfter;
  readonly #openOfAgent;
  readonly #reset;
  #lastLook = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly settings: IncidentsConfig,
    /** When the collector started: it cannot have heard agents while it was not running. */
    private readonly startedAt: number,
    private readonly listener?: IncidentListener,
    private readonly plannedAt: PlannedAt = () => false,
  ) {
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
      INSERT INTO incidents (kind, unit_id, agent_id, series_id, check_name, category, start_ts, reason, message, planned)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
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
    this.#openOfAgent = db.prepare(
      "SELECT id, series_id AS seriesId, start_ts AS start FROM incidents WHERE agent_id = ? AND end_ts IS NULL AND kind = 'check'",
    );
    this.#reset = db.prepare(
      "UPDATE incident_state SET down = 0, run = 0, run_start = NULL, incident_id = NULL WHERE series_id = ?",
    );
  }

  /** Whether the check's results were ever followed (a database from before incidents: not). */
  known(seriesId: number): boolean {
    return this.#state(seriesId) !== undefined;
  }

  /**
   * Follows one stored result of a check; call inside the transaction that stores it. The
   * reason and message are the failed run's, when it failed.
   */
  result(check: CheckKey, ts: number, up: boolean, reason?: string, message?: string): void {
    const state = this.#state(check.id) ?? this.#fresh(check.id);
    if (ts <= state.processed) return;
    state.processed = ts;
    const before = state.run;
    const event = track(state, ts, up, this.settings);
    if (state.run === 1 && !up) {
      state.reason = reason;
      state.message = message;
    }
    if (event?.type === "open") {
      let why = { reason: state.reason, message: state.message };
      if (why.reason === undefined) {
        // The run began before a restart: its first failure is in the failures table.
        const row = this.#failure.get(check.agentId, check.check, event.start) as
          | { reason: string; message: string | null }
          | undefined;
        why = { reason: row?.reason, message: row?.message ?? undefined };
      }
      state.incident = this.#openIncident(
        { kind: "check", unit: check.unit, agentId: check.agentId, check: check.check },
        { category: check.category, start: event.start, reason: why.reason ?? "error" },
        { message: why.message ?? null, seriesId: check.id },
      );
    } else if (event?.type === "close" && state.incident !== undefined) {
      this.#close.run(event.end, state.incident);
      this.listener?.closed({
        id: state.incident,
        kind: "check",
        unit: check.unit,
        end: event.end,
      });
      state.incident = undefined;
    }
    // A check that stays up changes nothing: no write for it.
    if (event || state.run !== before) this.#save(check.id, state);
  }

  /** Follows samples of a check's giamsat_check_up series, reasons from the failures table. */
  follow(check: CheckSeries, samples: Samples): void {
    for (let i = 0; i < samples.ts.length; i++) {
      const ts = samples.ts[i] as number;
      const up = (samples.values[i] as number) > 0;
      this.result(check, ts, up);
    }
    const state = this.#state(check.id);
    if (state) this.#save(check.id, state);
  }

  /** After a rolled-back transaction: states are read again from the database. */
  forget(): void {
    this.#states.clear();
  }

  #state(seriesId: number): CheckState | undefined {
    let state = this.#states.get(seriesId);
    if (!state) {
      const row = this.#loadState.get(seriesId) as
        | {
            processed: number;
            down: number;
            run: number;
            runStart: number | null;
            incident: number | null;
          }
        | undefined;
      if (!row) return undefined;
      state = {
        processed: row.processed,
        down: row.down === 1,
        run: row.run,
        runStart: row.runStart ?? undefined,
        incident: row.incident ?? undefined,
        reason: undefined,
        message: undefined,
      };
      this.#states.set(seriesId, state);
    }
    return state;
  }

  #fresh(seriesId: number): CheckState {
    const state: CheckState = {
      processed: 0,
      down: false,
      run: 0,
      runStart: undefined,
      incident: undefined,
      reason: undefined,
      message: undefined,
    };
    this.#states.set(seriesId, state);
    this.#save(seriesId, state);
    return state;
  }

  #save(seriesId: number, state: CheckState): void {
    this.#saveState.run(
      seriesId,
      state.processed,
      state.down ? 1 : 0,
      state.run,
      state.runStart ?? null,
      state.incident ?? null,
    );
  }

  /** Writes an incident, planned when it begins in maintenance, and tells the listener; its id. */
  #openIncident(
    who: Pick<OpenedIncident, "kind" | "unit" | "agentId" | "check">,
    what: Pick<OpenedIncident, "category" | "start" | "reason">,
    more: { message: string | null; seriesId: number | null },
  ): number {
    const planned = this.plannedAt({ ...who, category: what.category }, what.start);
    const { kind, unit, agentId, check } = who;
    const row = [kind, unit, agentId, more.seriesId, check, what.category, what.start, what.reason];
    const id = Number(this.#open.run(...row, more.message, planned ? 1 : 0).lastInsertRowid);
    this.listener?.opened({ id, ...who, ...what, message: more.message, planned });
    return id;
  }

  /** Looks for agents gone silent, and for silent ones heard again. */
  step(now: number): boolean {
    if (now - this.#lastLook < SILENCE_EVERY_MS) return false;
    this.#lastLook = now;
    this.db.transaction(() => this.#silences(now))();
    return true;
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
      if (agent.revokedAt !== null) this.#endChecksOf(agent.id, agent.unit, agent.revokedAt);
      const incident = open.get(agent.id);
      if (incident) {
        let end: number | undefined;
        if (agent.revokedAt !== null) {
          end = Math.max(incident.start, agent.revokedAt);
        } else if (agent.lastSeen > incident.start) {
          const heard =
            (this.#firstBatchAfter.get(agent.id, incident.start) as number | null) ??
            agent.lastSeen;
          end = Math.min(heard, agent.lastSeen);
        }
        if (end !== undefined) {
          this.#close.run(end, incident.id);
          this.listener?.closed({ id: incident.id, kind: "silence", unit: agent.unit, end });
        }
        continue;
      }
      if (agent.revokedAt !== null) continue;
      const since = Math.max(agent.lastSeen, this.startedAt);
      if (now - since > this.settings.silentAfter) {
        this.#openIncident(
          { kind: "silence", unit: agent.unit, agentId: agent.id, check: null },
          { category: null, start: since, reason: null },
          { message: null, seriesId: null },
        );
      }
    }
  }

  /** A revoked agent's checks say nothing more: their open incidents end when it was revoked. */
  #endChecksOf(agentId: number, unit: string, revokedAt: number): void {
    const open = this.#openOfAgent.all(agentId) as {
      id: number;
      seriesId: number;
      start: number;
    }[];
    for (const incident of open) {
      const end = Math.max(incident.start, revokedAt);
      this.#close.run(end, incident.id);
      this.listener?.closed({ id: incident.id, kind: "check", unit, end });
      this.#reset.run(incident.seriesId);
      this.#states.delete(incident.seriesId);
    }
  }
}
