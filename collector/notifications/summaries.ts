// The monthly summaries: on the 1st of each month at 08:00 Vietnam time, each unit's leader and IT
// contact receive last month's inspection summary, and the Steering Board the city's. The month
// sent is recorded with the messages in one transaction, so a month missed while the collector was
// down is sent once when it is back, and never twice; a month before the collector held any data
// is skipped.
import { parsePeriod, VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import type { NotificationsConfig, NotifiedPerson } from "../../shared/config/notifications.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import type { Readers } from "../inspection/readers.js";
import { listSignoffs } from "../inspection/signoffs.js";
import { inspectionSummaries } from "../inspection/summary.js";
import { listUnits } from "../inspection/units.js";
import type { UnitDirectory } from "./directory.js";
import { ScheduleBook } from "./schedule-book.js";
import type { SummarySender } from "./summary-sender.js";
import { citySummaryText, unitSummaryText } from "./templates/summary.js";

/** The hour (Vietnam time) on the 1st the summaries go out. */
const HOUR = 8;

/** The month a summary is due for at `now`, and when it became due: last month at 08:00 on the 1st. */
export function dueMonth(now: number): { period: string; dueAt: number } {
  const local = new Date(now + VIETNAM_OFFSET_MS);
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth();
  let dueAt = Date.UTC(year, month, 1, HOUR) - VIETNAM_OFFSET_MS;
  if (now < dueAt) {
    month -= 1;
    dueAt = Date.UTC(year, month, 1, HOUR) - VIETNAM_OFFSET_MS;
  }
  // The month before the one it is due in.
  const reported = new Date(Date.UTC(year, month - 1, 1));
  year = reported.getUTCFullYear();
  const period = `${year}-${String(reported.getUTCMonth() + 1).padStart(2, "0")}`;
  return { period, dueAt };
}

export interface SummaryDeps {
  db: Db;
  readers: Readers;
  sender: SummarySender;
  units: UnitDirectory;
  settings: NotificationsConfig;
  log: Logger;
}

export class MonthlySummaries {
  readonly #book;

  constructor(private readonly deps: SummaryDeps) {
    this.#book = new ScheduleBook(deps.db, "monthly");
  }

  /** Sends the summaries due at `now` (the schedule's clock) unless they were sent; true if sent. */
  step(now: number): boolean {
    const { sender, settings } = this.deps;
    if (!settings.summaries.monthly || sender.channels.length === 0) return false;
    const { period } = dueMonth(now);
    if (this.#book.lastSent() === period) return false;
    const month = parsePeriod(period);
    if (!month) return false;
    const first = this.#book.firstData();
    if (first === null || first >= month.to) {
      // Nothing was stored in that month: nothing to report, and nothing to send later either.
      this.#book.mark(period, now);
      return false;
    }
    const { readers, db } = this.deps;
    const units = listUnits(db).filter((u) => u.active);
    const summaries = inspectionSummaries(
      readers,
      units.map((u) => u.id),
      month,
    );
    const signoffs = new Map(units.map((u) => [u.id, listSignoffs(db, u.id, period)]));
    const report = (unit: string | null) =>
      sender.link(
        `${unit === null ? "/reports" : `/reports/${encodeURIComponent(unit)}`}?period=${period}`,
      );
    const woken = new Set<string>();
    const at = Date.now();
    db.transaction(() => {
      for (const summary of summaries) {
        const unit = this.deps.units.unit(summary.unit.id);
        const people: NotifiedPerson[] = [];
        if (unit?.leader) people.push(unit.leader);
        if (unit?.contact) people.push(unit.contact);
        const id = summary.unit.id;
        sender.queue(
          {
            kind: "summary",
            unit: { id, name: summary.unit.name },
            people,
            eventKey: `summary.${id}.${period}`,
            link: report(id),
            render: (lang, key) =>
              unitSummaryText(lang, summary, signoffs.get(id) ?? [], report(id), key),
          },
          at,
          woken,
        );
      }
      sender.queue(
        {
          kind: "city_summary",
          unit: null,
          people: settings.steeringBoard,
          eventKey: `city-summary.${period}`,
          link: report(null),
          render: (lang, key) => citySummaryText(lang, period, summaries, report(null), key),
        },
        at,
        woken,
      );
      this.#book.mark(period, now);
    })();
    this.deps.log.info(
      { period, units: summaries.length, channels: [...woken] },
      "monthly summaries queued",
    );
    return true;
  }
}
