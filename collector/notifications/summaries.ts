// The monthly summaries: on the 1st of each month at 08:00 Vietnam time, each unit's leader and IT
// contact receive last month's inspection summary, and the Steering Board the city's. The month
// sent is recorded with the messages in one transaction, so a month missed while the collector was
// down is sent once when it is back, and never twice; a month before the collector held any data
// is skipped.
import { parsePeriod, VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import type { ChannelConfig } from "../../shared/config/notification-channels.js";
import type { NotificationsConfig, NotifiedPerson } from "../../shared/config/notifications.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import type { Readers } from "../inspection/readers.js";
import { listSignoffs } from "../inspection/signoffs.js";
import { inspectionSummaries } from "../inspection/summary.js";
import { listUnits } from "../inspection/units.js";
import { addressesOn } from "./channels/index.js";
import type { UnitDirectory } from "./directory.js";
import type { Grouper } from "./grouper.js";
import type { MessageStore } from "./messages.js";
import type { NotificationKind, OutgoingMessage } from "./model.js";
import { citySummaryText, type SummaryText, unitSummaryText } from "./templates/summary.js";

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
  store: MessageStore;
  grouper: Grouper;
  units: UnitDirectory;
  settings: NotificationsConfig;
  channels: ReadonlyMap<string, ChannelConfig>;
  publicUrl: string | undefined;
  log: Logger;
}

export class MonthlySummaries {
  readonly #last;
  readonly #mark;
  readonly #firstData;
  readonly #channels: ChannelConfig[];

  constructor(private readonly deps: SummaryDeps) {
    const { db, settings } = deps;
    this.#last = db
      .prepare("SELECT period FROM notification_schedule WHERE name = 'monthly'")
      .pluck();
    this.#mark = db.prepare(`
      INSERT INTO notification_schedule (name, period, sent_at) VALUES ('monthly', ?, ?)
      ON CONFLICT (name) DO UPDATE SET period = excluded.period, sent_at = excluded.sent_at`);
    // The oldest result of any check: a month before it is not reported.
    this.#firstData = db.prepare("SELECT min(first_seen) FROM checks").pluck();
    const named = settings.summaries.channels;
    this.#channels = [...deps.channels.values()].filter((c) =>
      named ? named.includes(c.name) : c.type === "email",
    );
  }

  /** Sends the summaries due at `now` (the schedule's clock) unless they were sent; true if sent. */
  step(now: number): boolean {
    if (!this.deps.settings.summaries.monthly || this.#channels.length === 0) return false;
    const { period } = dueMonth(now);
    if (this.#last.get() === period) return false;
    const month = parsePeriod(period);
    if (!month) return false;
    const first = this.#firstData.get() as number | null;
    if (first === null || first >= month.to) {
      // Nothing was stored in that month: nothing to report, and nothing to send later either.
      this.#mark.run(period, now);
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
    const woken = new Set<string>();
    db.transaction(() => {
      for (const summary of summaries) {
        const unit = this.deps.units.unit(summary.unit.id);
        const people: NotifiedPerson[] = [];
        if (unit?.leader) people.push(unit.leader);
        if (unit?.contact) people.push(unit.contact);
        this.#send(
          "summary",
          { id: summary.unit.id, name: summary.unit.name },
          people,
          (lang, key) =>
            unitSummaryText(
              lang,
              summary,
              signoffs.get(summary.unit.id) ?? [],
              this.#report(summary.unit.id, period),
              key,
            ),
          period,
          woken,
        );
      }
      this.#send(
        "city_summary",
        null,
        this.deps.settings.steeringBoard,
        (lang, key) => citySummaryText(lang, period, summaries, this.#report(null, period), key),
        period,
        woken,
      );
      this.#mark.run(period, now);
    })();
    this.deps.log.info(
      { period, units: summaries.length, channels: [...woken] },
      "monthly summaries queued",
    );
    return true;
  }

  #send(
    kind: NotificationKind,
    unit: { id: string; name: string } | null,
    people: readonly NotifiedPerson[],
    render: (lang: "vi" | "en", dedupeKey: string) => SummaryText,
    period: string,
    woken: Set<string>,
  ): void {
    const eventKey = unit === null ? `city-summary.${period}` : `summary.${unit.id}.${period}`;
    const { store, grouper, settings } = this.deps;
    const lang = settings.summaries.lang;
    const link = this.#report(unit?.id ?? null, period);
    let notification: number | undefined;
    for (const channel of this.#channels) {
      for (const address of new Set(addressesOn(channel, people))) {
        // A channel with one destination of its own gets the city's summary only.
        if (address === "" && unit !== null) continue;
        const dedupeKey = grouper.dedupeKey([eventKey], channel.name, address);
        const text = render(lang, dedupeKey);
        notification ??= store.addNotification(
          unit?.id ?? null,
          kind,
          render("vi", "").subject,
          [eventKey],
          Date.now(),
        );
        const message: OutgoingMessage = {
          v: 1,
          kind,
          dedupeKey,
          lang,
          unit,
          link,
          subject: text.subject,
          text: text.text,
          html: text.html,
          short: text.short,
          items: [],
          attachments: text.attachments,
          createdAt: Date.now(),
        };
        if (store.add(notification, channel.name, address, message, false, 0))
          woken.add(channel.name);
      }
    }
  }

  /** The printable report, absolute, when web.publicUrl is set. */
  #report(unit: string | null, period: string): string | null {
    const base = this.deps.publicUrl?.replace(/\/+$/, "");
    if (!base) return null;
    const path = unit === null ? "/reports" : `/reports/${encodeURIComponent(unit)}`;
    return `${base}${path}?period=${period}`;
  }
}
