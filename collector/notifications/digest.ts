// The weekly digest (summaries.weekly, off by default): each Monday at 08:00 Vietnam time, each
// unit's IT contact receives the incidents of the week before. Like the monthly summary, the week
// sent is recorded with the messages, so a week missed while the collector was down is sent once
// when it is back.
import { VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import { listUnits } from "../inspection/units.js";
import { ScheduleBook } from "./schedule-book.js";
import type { SummaryDeps } from "./summaries.js";
import { weeklyText } from "./templates/digest.js";

const DAY = 86_400_000;
/** Incidents a digest lists for a unit at most. */
const LISTED = 200;

/** The week a digest is due for at `now`: the 7 days before the last Monday 08:00 passed. */
export function dueWeek(now: number): { id: string; from: number; to: number } {
  const local = now + VIETNAM_OFFSET_MS;
  const dayStart = local - (local % DAY);
  // getUTCDay of the local day: 0 Sunday … 6 Saturday; days since Monday.
  const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
  let monday = dayStart - sinceMonday * DAY;
  if (local < monday + 8 * 3_600_000) monday -= 7 * DAY;
  const to = monday - VIETNAM_OFFSET_MS;
  const from = to - 7 * DAY;
  return { id: new Date(from + VIETNAM_OFFSET_MS).toISOString().slice(0, 10), from, to };
}

export class WeeklyDigest {
  readonly #book;

  constructor(private readonly deps: SummaryDeps) {
    this.#book = new ScheduleBook(deps.db, "weekly");
  }

  step(now: number): boolean {
    const { sender, settings, readers, db } = this.deps;
    if (!settings.summaries.weekly || sender.channels.length === 0) return false;
    const week = dueWeek(now);
    if (this.#book.lastSent() === week.id) return false;
    const first = this.#book.firstData();
    const woken = new Set<string>();
    const at = Date.now();
    if (first !== null && first < week.to) {
      const units = listUnits(db).filter((u) => u.active);
      const ids = units.map((u) => u.id);
      const listed = readers.incidents.listUnits(ids, week.from, week.to, LISTED, readers.now());
      db.transaction(() => {
        for (const row of units) {
          const contact = this.deps.units.unit(row.id)?.contact;
          const unit = { id: row.id, name: row.name };
          const incidents = [...(listed.get(row.id)?.incidents ?? [])].reverse();
          const link = sender.link(`/units/${encodeURIComponent(row.id)}?window=7d`);
          sender.queue(
            {
              kind: "weekly",
              unit,
              people: contact ? [contact] : [],
              eventKey: `weekly.${row.id}.${week.id}`,
              link,
              render: (lang, key) => weeklyText(lang, unit, week, incidents, link, key),
            },
            at,
            woken,
          );
        }
        this.#book.mark(week.id, now);
      })();
      this.deps.log.info({ week: week.id, channels: [...woken] }, "weekly digests queued");
    } else {
      this.#book.mark(week.id, now);
    }
    return woken.size > 0;
  }
}
