// Where incident detection stands for each check (incident_state), cached in memory: the
// hysteresis, the incident or dependent failure it has open, the last result followed, and when
// the check last failed and came back (whether it was down at a given time, for its children).
import type { Db } from "../db/database.js";
import type { TrackerState } from "./incidents.js";

export interface CheckState extends TrackerState {
  processed: number;
  incident: number | undefined;
  /** While down because a parent is down: the dependent failure, instead of an incident. */
  dependent: number | undefined;
  /** Down, but whether its own or a parent's not yet known: since when (its run's first failure). */
  heldSince: number | undefined;
  /** The first failed result of the latest stretch of them, and the good result that ended it. */
  failingSince: number | undefined;
  upSince: number | undefined;
  /** Why the first failure of the current run failed, for the incident it may open. */
  reason: string | undefined;
  message: string | undefined;
}

interface Row {
  processed: number;
  down: number;
  run: number;
  runStart: number | null;
  incident: number | null;
  dependent: number | null;
  heldSince: number | null;
  failingSince: number | null;
  upSince: number | null;
}

export class IncidentStates {
  readonly #states = new Map<number, CheckState>();
  readonly #load;
  readonly #save;
  readonly #reset;

  constructor(db: Db) {
    this.#load = db.prepare(`
      SELECT processed_ts AS processed, down, run, run_start AS runStart, incident_id AS incident,
        dependent_id AS dependent, held_since AS heldSince, failing_since AS failingSince,
        up_since AS upSince
      FROM incident_state WHERE series_id = ?`);
    this.#save = db.prepare(`
      INSERT OR REPLACE INTO incident_state (series_id, processed_ts, down, run, run_start, incident_id,
        dependent_id, held_since, failing_since, up_since)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#reset = db.prepare(`
      UPDATE incident_state SET down = 0, run = 0, run_start = NULL, incident_id = NULL,
        dependent_id = NULL, held_since = NULL WHERE series_id = ?`);
  }

  get(seriesId: number): CheckState | undefined {
    let state = this.#states.get(seriesId);
    if (!state) {
      const row = this.#load.get(seriesId) as Row | undefined;
      if (!row) return undefined;
      state = {
        processed: row.processed,
        down: row.down === 1,
        run: row.run,
        runStart: row.runStart ?? undefined,
        incident: row.incident ?? undefined,
        dependent: row.dependent ?? undefined,
        heldSince: row.heldSince ?? undefined,
        failingSince: row.failingSince ?? failingSinceBeforeKept(row),
        upSince: row.upSince ?? undefined,
        reason: undefined,
        message: undefined,
      };
      this.#states.set(seriesId, state);
    }
    return state;
  }

  fresh(seriesId: number): CheckState {
    const state: CheckState = {
      processed: 0,
      down: false,
      run: 0,
      runStart: undefined,
      incident: undefined,
      dependent: undefined,
      heldSince: undefined,
      failingSince: undefined,
      upSince: undefined,
      reason: undefined,
      message: undefined,
    };
    this.#states.set(seriesId, state);
    this.save(seriesId, state);
    return state;
  }

  save(seriesId: number, state: CheckState): void {
    this.#save.run(
      seriesId,
      state.processed,
      state.down ? 1 : 0,
      state.run,
      state.runStart ?? null,
      state.incident ?? null,
      state.dependent ?? null,
      state.heldSince ?? null,
      state.failingSince ?? null,
      state.upSince ?? null,
    );
  }

  /** The check starts over (its agent was revoked). */
  reset(seriesId: number): void {
    this.#reset.run(seriesId);
    this.#states.delete(seriesId);
  }

  /** After a rolled-back transaction: states are read again from the database. */
  forget(): void {
    this.#states.clear();
  }
}

/**
 * A state saved before schema 19 kept no stretch of failures: a check failing now has failed since
 * its run began (up with a run of failures), or for as long as is known (down: its latest result).
 */
function failingSinceBeforeKept(row: Row): number | undefined {
  if (row.down === 1) return row.run === 0 ? row.processed : undefined;
  return row.run > 0 ? (row.runStart ?? row.processed) : undefined;
}
