// What the notification subsystem passes around: events as queued, the items a notification says,
// and a message as stored in the send queue and handed to a channel. The stored forms are frozen
// (version `v`); a change adds a version and keeps reading the old one.
import type { EventKind } from "../../shared/config/notifications.js";

export type Severity = "critical" | "warning";
export type EventName = "opened" | "resolved" | "repeat";
export type Subject = "check" | "silence" | "certificate" | "buffer" | "disk" | "remote_write";

/** What an event says beyond its columns (JSON in notification_events.detail). */
export interface EventDetail {
  category?: string | null;
  check?: string | null;
  agentId?: number | null;
  reason?: string | null;
  message?: string | null;
  /** The incident began inside a planned maintenance window. */
  planned?: boolean;
  /** When the problem began (an end's event takes it from its beginning's). */
  since?: number;
  /** When it ended (resolved events). */
  until?: number | null;
  /** Certificates: notAfter (ms) and the threshold in days that was crossed. */
  notAfter?: number;
  threshold?: number;
  /** Agents' buffers: samples dropped; remote_write: the endpoint. */
  dropped?: number;
  endpoint?: string;
  /** The disk: free share. */
  freeRatio?: number;
}

/** An event about to be queued. */
export interface NewEvent {
  at: number;
  unit: string | null;
  event: EventName;
  subject: Subject;
  key: string;
  incidentId: number | null;
  severity: Severity;
  detail: EventDetail;
}

/** An event as the grouper reads it: queued, with its row's id and when it was queued. */
export interface QueuedEvent extends NewEvent {
  id: number;
  createdAt: number;
}

/** What routes filter on: the kind of event an item is. */
export function eventKindOf(subject: Subject): EventKind {
  if (subject === "check" || subject === "silence") return "incident";
  if (subject === "certificate") return "certificate";
  if (subject === "buffer") return "agent";
  return "collector";
}

/** One affected check of a link outage. */
export interface AffectedCheck {
  key: string;
  check: string;
  /** The check's title (agent.yaml `title`), what people read in place of its name; absent when none. */
  checkTitle?: string;
  agent: string;
  category: string;
  reason: string | null;
  message: string | null;
  since: number;
  /** When it recovered; null while still down. */
  until: number | null;
}

/** One thing a notification says: a problem, its end, or that it is still going on. */
export interface Item {
  /** What it is about (the problem's key): i<incident>, certificate:<series>, disk, ... */
  key: string;
  /** The dedupe key of each (problem, event) the item carries, e.g. i12.opened. */
  eventKeys: string[];
  /** link: a unit's data-center link, with the checks it took down. */
  subject: Subject | "link";
  /** open: announced now; resolved: over (with `until`); repeat: still open. */
  state: "open" | "resolved" | "repeat";
  severity: Severity;
  unit: string | null;
  category: string | null;
  check: string | null;
  /** The check's title (agent.yaml `title`), what people read in place of its name; absent when none. */
  checkTitle?: string;
  agent: string | null;
  reason: string | null;
  message: string | null;
  since: number;
  until: number | null;
  detail: Pick<EventDetail, "notAfter" | "threshold" | "dropped" | "endpoint" | "freeRatio">;
  /** A link item's affected checks. */
  affected: AffectedCheck[];
}

export type NotificationKind =
  | "problem"
  | "resolved"
  | "repeat"
  | "summary"
  | "city_summary"
  | "weekly"
  | "test";

export interface Attachment {
  filename: string;
  contentType: string;
  /** UTF-8 text (CSV). */
  content: string;
}

/** A message in the send queue, rendered once when queued (notification_messages.payload). */
export interface OutgoingMessage {
  v: 1;
  kind: NotificationKind;
  dedupeKey: string;
  lang: "vi" | "en";
  unit: { id: string; name: string } | null;
  /** The unit page (or report), absolute, when web.publicUrl is set. */
  link: string | null;
  subject: string;
  /** The e-mail's text part: everything, plain. */
  text: string;
  /** The e-mail's HTML part: the same with a small table. */
  html: string;
  /** For chats (Telegram, Zalo): short. */
  short: string;
  items: Item[];
  attachments: Attachment[];
  createdAt: number;
}

/** A message as a channel sends it: where to, and what. */
export interface Delivery {
  id: number;
  channel: string;
  /** The e-mail address, chat id or user id; "" for a channel with one destination. */
  address: string;
  message: OutgoingMessage;
}
