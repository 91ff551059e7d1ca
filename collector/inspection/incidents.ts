// Incidents: a check failing `openAfter` results in a row opens one (starting at the first of
// them, with that run's reason), `closeAfter` good results in a row close it (ending at the first
// of them). Results are followed as they are stored, in the same transaction, so nothing is read
// twice; agents send their buffers first in, first out, so a check's results come in time order
// even when they arrive hours late. An agent the collector hears nothing from for `silentAfter`
// has an incident of its own, looked for by a background step. An incident that begins inside a
// planned maintenance window is marked planned; a check failing while a check it depends on is
// down opens none (dependent-failures.ts). A listener (notifications) is told of each incident
// opened or closed, inside the same transaction.
import type { IncidentsConfig } from "../../shared/config/collector.js";
import type { Db } from "../db/database.js";
import type { CheckSeries, Job, Samples } from "../tsdb/index.js";
import { DependentFailures } from "./dependent-failures.js";
import type { IncidentListener, OpenedIncident } from "./incident-listener.js";
import { type CheckState, IncidentStates } from "./incident-states.js";

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

/**
 * Keeps where the check's latest stretch of failures began and the good result that ended it,
 * which say whether it was down at a given time; whether either changed.
 */
function noteTimes(
  state: Pick<CheckState, "failingSince" | "upSince">,
  ts: number,
  up: boolean,
): boolean {
  const failing = state.failingSince !== undefined && state.upSince === undefined;
  if (up === !failing) return false;
  if (up) state.upSince = ts;
  else [state.failingSince, state.upSince] = [ts, undefined];
  return true;
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

/** Whether an incident of this check (check null: the agent's silence) beginning at `ts` is planned. */
export type PlannedAt = (
  incident: { unit: string; agentId: number; check: string | null; category: string | null },
  ts: number,
) => boolean;

/** How often silent agents are looked for. */
const SILENCE_EVERY_MS = 5000;

export class Incidents implements Job {
  readonly name = "incidents";
  readonly #failure;
  readonly #open;
  readonly #close;
  readonly #agents;
  readonly #openSilences;
  readonly #firstBatchAfter;
  readonly #openOfAgent;
  readonly #dependents: DependentFailures;
  readonly #states: IncidentStates;
  #lastLook = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly settings: IncidentsConfig,
    /** When the collector started: it cannot have heard agents while it was not running. */
    private readonly startedAt: number,
    private readonly listener?: IncidentListener,
    private readonly plannedAt: PlannedAt = () => false,
    parentsOf: (check: CheckKey) => readonly number[] = () => [],
  ) {
    this.#states = new IncidentStates(db);
    this.#dependents = new DependentFailures(
      db,
      parentsOf,
      (id) => this.#states.get(id),
      settings.silentAfter,
    );
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
  }

  /** Whether the check's results were ever followed (a database from before incidents: not). */
  known(seriesId: number): boolean {
    return this.#states.get(seriesId) !== undefined;
  }

  /**
   * Follows one stored result of a check; call inside the transaction that stores it. The
   * reason and message are the failed run's, when it failed.
   */
  result(check: CheckKey, ts: number, up: boolean, reason?: string, message?: string): void {
    const state = this.#states.get(check.id) ?? this.#states.fresh(check.id);
    if (ts <= state.processed) return;
    state.processed = ts;
    const before = { run: state.run, dependent: state.dependent, held: state.heldSince };
    const turned = noteTimes(state, ts, up);
    const event = track(state, ts, up, this.settings);
    if (state.run === 1 && !up) {
      state.reason = reason;
      state.message = message;
    }
    if (event?.type === "open") state.heldSince = event.start;
    // Decided now, or at a later result once the parents have reported; a close decides it.
    if (state.heldSince !== undefined) this.#decide(check, state, ts, event?.type === "close");
    if (event?.type === "close") {
      this.#end(check, state, event.end);
    } else if (
      !up &&
      state.dependent !== undefined &&
      this.#dependents.downParent(check, ts) === undefined
    ) {
      // Its parents are back and it is still down: its own problem from now, announced.
      this.#dependents.close(state.dependent, ts);
      state.dependent = undefined;
      state.incident = this.#openIncident(
        { kind: "check", unit: check.unit, agentId: check.agentId, check: check.check },
        { category: check.category, start: ts, reason: reason ?? "error" },
        { message: message ?? null, seriesId: check.id },
      );
    }
    // A check that stays up changes nothing: no write for it.
    const changed =
      event !== undefined ||
      turned ||
      state.run !== before.run ||
      state.dependent !== before.dependent ||
      state.heldSince !== before.held;
    if (changed) this.#states.save(check.id, state);
  }

  /**
   * A check down since `heldSince`: its parent's failure if a parent was down then or since, its
   * own if its parents have reported since and were fine, else still held for their next result
   * (unless `final`: its run is over).
   */
  #decide(check: CheckKey, state: CheckState, now: number, final: boolean): void {
    const start = state.heldSince as number;
    const parent = this.#dependents.downParent(check, start, now);
    if (parent === undefined && !final && this.#dependents.waitsForParent(check, start, now)) {
      return;
    }
    state.heldSince = undefined;
    let why = { reason: state.reason, message: state.message };
    if (why.reason === undefined) {
      // The run began before a restart: its first failure is in the failures table.
      const row = this.#failure.get(check.agentId, check.check, start) as
        | { reason: string; message: string | null }
        | undefined;
      why = { reason: row?.reason, message: row?.message ?? undefined };
    }
    if (parent !== undefined) {
      state.dependent = this.#dependents.open(check, parent, start, why.reason ?? "error");
    } else {
      state.incident = this.#openIncident(
        { kind: "check", unit: check.unit, agentId: check.agentId, check: check.check },
        { category: check.category, start, reason: why.reason ?? "error" },
        { message: why.message ?? null, seriesId: check.id },
      );
    }
  }

  /** The check is back at `end`: what it had open ends there. */
  #end(check: CheckKey, state: CheckState, end: number): void {
    if (state.dependent !== undefined) {
      this.#dependents.close(state.dependent, end);
      state.dependent = undefined;
    } else if (state.incident !== undefined) {
      this.#close.run(end, state.incident);
      this.listener?.closed({ id: state.incident, kind: "check", unit: check.unit, end });
      state.incident = undefined;
    }
  }

  /** Follows samples of a check's giamsat_check_up series, reasons from the failures table. */
  follow(check: CheckSeries, samples: Samples): void {
    for (let i = 0; i < samples.ts.length; i++) {
      const ts = samples.ts[i] as number;
      const up = (samples.values[i] as number) > 0;
      this.result(check, ts, up);
    }
    const state = this.#states.get(check.id);
    if (state) this.#states.save(check.id, state);
  }

  /** After a rolled-back transaction: states are read again from the database. */
  forget(): void {
    this.#states.forget();
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
      this.#states.reset(incident.seriesId);
    }
  }
}
