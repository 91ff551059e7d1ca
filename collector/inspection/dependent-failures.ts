// Failures of a check while a check it depends on is down: written here instead of as incidents,
// so they open nothing and announce nothing; the parent's incident lists them (incident-list.ts).
// Whether a parent is down is its own latest result, so a chain (portal → gateway → dc-link)
// follows from each hop's real state. Suppress creation, never resolution: when the parents are
// back and the check is still down, the failure ends and the check's own incident opens.
import type { Db } from "../db/database.js";
import type { CheckKey } from "./incidents.js";

export class DependentFailures {
  readonly #open;
  readonly #close;

  constructor(
    db: Db,
    /** The series of the checks this one depends on. */
    private readonly parentsOf: (check: CheckKey) => readonly number[],
    /** Whether a check's latest result (by its series) was a failure. */
    private readonly failing: (seriesId: number) => boolean,
  ) {
    this.#open = db.prepare(`
      INSERT INTO dependent_failures (unit_id, agent_id, series_id, parent_series_id, start_ts, reason)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.#close = db.prepare("UPDATE dependent_failures SET end_ts = ? WHERE id = ?");
  }

  /** A parent of the check that is down now, if any. */
  downParent(check: CheckKey): number | undefined {
    return this.parentsOf(check).find((id) => this.failing(id));
  }

  /** Records the check failing from `start` because `parent` is down; its id. */
  open(check: CheckKey, parent: number, start: number, reason: string | null): number {
    return Number(
      this.#open.run(check.unit, check.agentId, check.id, parent, start, reason).lastInsertRowid,
    );
  }

  close(id: number, end: number): void {
    this.#close.run(end, id);
  }
}
