// Queues a scheduled message (a monthly summary, a weekly digest) to people through the channels
// that carry summaries: one message per channel and address, rendered in the summaries' language,
// with a dedupe key of its own (`summary.<unit>.<period>`), so it is never queued twice.
import type { ChannelConfig } from "../../shared/config/notification-channels.js";
import type { NotificationsConfig, NotifiedPerson } from "../../shared/config/notifications.js";
import { addressesOn } from "./channels/index.js";
import type { Grouper } from "./grouper.js";
import type { MessageStore } from "./messages.js";
import type { NotificationKind, OutgoingMessage } from "./model.js";
import type { SummaryText } from "./templates/summary.js";

export interface ScheduledMessage {
  kind: NotificationKind;
  /** The unit it is about; null for the city's. */
  unit: { id: string; name: string } | null;
  people: readonly NotifiedPerson[];
  /** What makes it unique, e.g. summary.so-tttt.2026-11. */
  eventKey: string;
  link: string | null;
  render(lang: "vi" | "en", dedupeKey: string): SummaryText;
}

export class SummarySender {
  readonly channels: ChannelConfig[];

  constructor(
    private readonly deps: {
      store: MessageStore;
      grouper: Grouper;
      settings: NotificationsConfig;
      channels: ReadonlyMap<string, ChannelConfig>;
      publicUrl: string | undefined;
    },
  ) {
    const named = deps.settings.summaries.channels;
    this.channels = [...deps.channels.values()].filter((c) =>
      named ? named.includes(c.name) : c.type === "email",
    );
  }

  /** Queues it (call inside a transaction); the channels that got a message are added to `woken`. */
  queue(scheduled: ScheduledMessage, now: number, woken: Set<string>): void {
    const { store, grouper, settings } = this.deps;
    const lang = settings.summaries.lang;
    let notification: number | undefined;
    for (const channel of this.channels) {
      for (const address of new Set(addressesOn(channel, scheduled.people))) {
        // A channel with one destination of its own gets the city's messages only.
        if (address === "" && scheduled.unit !== null) continue;
        const dedupeKey = grouper.dedupeKey([scheduled.eventKey], channel.name, address);
        const text = scheduled.render(lang, dedupeKey);
        notification ??= store.addNotification(
          scheduled.unit?.id ?? null,
          scheduled.kind,
          scheduled.render("vi", "").subject,
          [scheduled.eventKey],
          now,
        );
        const message: OutgoingMessage = {
          v: 1,
          kind: scheduled.kind,
          dedupeKey,
          lang,
          unit: scheduled.unit,
          link: scheduled.link,
          subject: text.subject,
          text: text.text,
          html: text.html,
          short: text.short,
          items: [],
          attachments: text.attachments,
          createdAt: now,
        };
        if (store.add(notification, channel.name, address, message, false, 0)) {
          woken.add(channel.name);
        }
      }
    }
  }

  /** An absolute link under web.publicUrl, or null without it. */
  link(path: string): string | null {
    const base = this.deps.publicUrl?.replace(/\/+$/, "");
    return base ? `${base}${path}` : null;
  }
}
