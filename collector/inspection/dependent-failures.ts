// Failures of a check while a check it depends on is down: written here instead of as incidents,
// so they open nothing and announce nothing; the parent's incident lists them (incident-list.ts).
// Whether a parent is down is its own results', so a chain (portal → gateway → dc-link) follows
// from each hop's real state. Suppress creation, never resolution: when the parents are back and
// the check is still down, the failure ends and the check's own incident opens.
//
// Checks run at different moments and take different times to fail, so a child's and its
// parent's results cross on the way in. A child's failure is its parent's when the parent was
// failing at some time between the child's first failure and its latest result, and a child that
// begins failing while its parent's last result, from before, was good waits for the parent's next
// result before its failure is called its own (at most until the parent has been quiet for
// `silentAfter`).
import type { Db } from "../db/database.js";
import type { CheckKey } from "./incidents.js";

/** What is known of a parent's results: the latest, and its latest stretch of failures. */
export interface ParentTimes {
  processed: number;
  /** The first failed result of the latest stretch of them, and the good result that ended it. */
  failingSince: number | undefined;
  upSince: number | undefined;
}

/** Whether the parent was failing at some time in [from, to]. */
export function downDuring(parent: ParentTimes, from: number, to: number): boolean {
  if (parent.failingSince === undefined || parent.failingSince > to) return false;
  return parent.upSince === undefined || parent.upSince > from;
}

export class DependentFailures {
  readonly #open;
  readonly #close;

  constructor(
    db: Db,
    /** The series of the checks this one depends on. */
    private readonly parentsOf: (check: CheckKey) => readonly number[],
    /** What is known of a check's results, by its series; undefined before its first. */
    private readonly timesOf: (seriesId: number) => ParentTimes | undefined,
    /** How long a parent may say nothing before a child stops waiting for it. */
    private readonly silentAfter: number,
  ) {
    this.#open = db.prepare(`
      INSERT INTO dependent_failures (unit_id, agent_id, series_id, parent_series_id, start_ts, reason)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.#close = db.prepare("UPDATE dependent_failures SET end_ts = ? WHERE id = ?");
  }

  /** A parent of the check failing at some time in [from, to], if any. */
  downParent(check: CheckKey, from: number, to = from): number | undefined {
    return this.parentsOf(check).find((id) => {
      const times = this.timesOf(id);
      return times !== undefined && downDuring(times, from, to);
    });
  }

  /**
   * Whether a failure of the check from `since` must wait for a parent's next result: a parent
   * has said nothing since then, and has not been quiet for `silentAfter` by `now`.
   */
  waitsForParent(check: CheckKey, since: number, now: number): boolean {
    return this.parentsOf(check).some((id) => {
      const times = this.timesOf(id);
      return (
        times !== undefined && times.processed < since && now - times.processed <= this.silentAfter
      );
    });
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
