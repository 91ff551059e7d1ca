// Which period of a schedule (the monthly summary, the weekly digest) was last sent. The mark is
// written in the same transaction as the messages it queues, so a period missed while the
// collector was down is sent once when it is back, and never twice.
import type { Db } from "../db/database.js";

export type ScheduleName = "monthly" | "weekly";

export class ScheduleBook {
  readonly #last;
  readonly #mark;
  readonly #firstData;

  constructor(
    db: Db,
    private readonly name: ScheduleName,
  ) {
    this.#last = db.prepare("SELECT period FROM notification_schedule WHERE name = ?").pluck();
    this.#mark = db.prepare(`
      INSERT INTO notification_schedule (name, period, sent_at) VALUES (?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET period = excluded.period, sent_at = excluded.sent_at`);
    this.#firstData = db.prepare("SELECT min(first_seen) FROM checks").pluck();
  }

  /** The period last sent (or found to have nothing to send), if any. */
  lastSent(): string | undefined {
    return (this.#last.get(this.name) as string | undefined) ?? undefined;
  }

  /** Records `period` as done at `now`. */
  mark(period: string, now: number): void {
    this.#mark.run(this.name, period, now);
  }

  /** The time of the oldest result of any check: a period before it has nothing to report. */
  firstData(): number | null {
    return (this.#firstData.get() as number | null) ?? null;
  }
}
