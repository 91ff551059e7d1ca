// The durable send queue in SQLite: notifications and their messages, written in one transaction
// with the events they say; a message leaves the queue only when its channel answered (sent or
// refused for good) or when the queue was full (dropped, oldest first, and counted).
import type { Db } from "../db/database.js";
import type { Delivery, NotificationKind, OutgoingMessage } from "./model.js";

export interface QueuedMessage extends Delivery {
  attempts: number;
}

/** A message as the unit page lists it. */
export interface SentMessage {
  id: number;
  createdAt: number;
  kind: NotificationKind;
  title: string;
  channel: string;
  address: string;
  state: "queued" | "sent" | "failed" | "dropped";
  attempts: number;
  doneAt: number | null;
  /** The receiver's answer when sent, the error when failed. */
  said: string | null;
}

export class MessageStore {
  readonly #notification;
  readonly #message;
  readonly #next;
  readonly #nextDue;
  readonly #sent;
  readonly #failed;
  readonly #attempt;
  readonly #queued;
  readonly #overflow;
  readonly #drop;
  readonly #ofUnit;

  constructor(private readonly db: Db) {
    this.#notification = db.prepare(
      "INSERT INTO notifications (created_at, unit_id, kind, title, events) VALUES (?, ?, ?, ?, ?)",
    );
    this.#message = db.prepare(`
      INSERT INTO notification_messages
        (notification_id, channel, address, dedupe_key, payload, critical, state, not_before)
      VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (dedupe_key) DO NOTHING`);
    this.#next = db.prepare(`
      SELECT id, channel, address, payload, attempts FROM notification_messages
      WHERE channel = ? AND state = 'queued' AND not_before <= ? ORDER BY id LIMIT 1`);
    this.#nextDue = db
      .prepare(
        "SELECT min(not_before) FROM notification_messages WHERE channel = ? AND state = 'queued'",
      )
      .pluck();
    this.#sent = db.prepare(
      "UPDATE notification_messages SET state = 'sent', attempts = attempts + 1, answer = ?, last_error = NULL, done_at = ? WHERE id = ? AND state = 'queued'",
    );
    this.#failed = db.prepare(
      "UPDATE notification_messages SET state = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? WHERE id = ? AND state = 'queued'",
    );
    this.#attempt = db.prepare(
      "UPDATE notification_messages SET attempts = attempts + 1, last_error = ? WHERE id = ?",
    );
    this.#queued = db.prepare(
      "SELECT channel, count(*) AS n FROM notification_messages WHERE state = 'queued' GROUP BY channel",
    );
    this.#overflow = db.prepare(`
      SELECT id, channel FROM notification_messages WHERE state = 'queued'
      ORDER BY id LIMIT max(0, (SELECT count(*) FROM notification_messages WHERE state = 'queued') - ?)`);
    this.#drop = db.prepare(
      "UPDATE notification_messages SET state = 'dropped', done_at = ? WHERE id = ?",
    );
    this.#ofUnit = db.prepare(`
      SELECT m.id, n.created_at AS createdAt, n.kind, n.title, m.channel, m.address, m.state,
        m.attempts, m.done_at AS doneAt, coalesce(m.last_error, m.answer) AS said
      FROM notifications n JOIN notification_messages m ON m.notification_id = n.id
      WHERE n.unit_id = ? ORDER BY m.id DESC LIMIT ?`);
  }

  /** A notification's row; call inside the transaction that queues its messages. */
  addNotification(
    unit: string | null,
    kind: NotificationKind,
    title: string,
    eventKeys: readonly string[],
    now: number,
  ): number {
    return Number(
      this.#notification.run(now, unit, kind, title, JSON.stringify(eventKeys)).lastInsertRowid,
    );
  }

  /** Queues a message; one with a dedupe key queued before is not queued again. */
  add(
    notificationId: number,
    channel: string,
    address: string,
    message: OutgoingMessage,
    critical: boolean,
    notBefore: number,
  ): boolean {
    return (
      this.#message.run(
        notificationId,
        channel,
        address,
        message.dedupeKey,
        JSON.stringify(message),
        critical ? 1 : 0,
        notBefore,
      ).changes > 0
    );
  }

  /** The channel's oldest message due now. */
  next(channel: string, now: number): QueuedMessage | undefined {
    const row = this.#next.get(channel, now) as
      | { id: number; channel: string; address: string; payload: string; attempts: number }
      | undefined;
    if (!row) return undefined;
    const message = JSON.parse(row.payload) as OutgoingMessage;
    return {
      id: row.id,
      channel: row.channel,
      address: row.address,
      message,
      attempts: row.attempts,
    };
  }

  /** When the channel's next message is due (a quiet hour's end), or undefined when none waits. */
  nextDue(channel: string): number | undefined {
    return (this.#nextDue.get(channel) as number | null) ?? undefined;
  }

  sent(id: number, answer: string, now: number): boolean {
    return this.#sent.run(answer, now, id).changes > 0;
  }

  failed(id: number, error: string, now: number): boolean {
    return this.#failed.run(error, now, id).changes > 0;
  }

  /** A failed attempt that will be retried. */
  attempted(id: number, error: string): void {
    this.#attempt.run(error, id);
  }

  /** Messages waiting, by channel. */
  queued(): Map<string, number> {
    const rows = this.#queued.all() as { channel: string; n: number }[];
    return new Map(rows.map((r) => [r.channel, r.n]));
  }

  /** Drops the oldest waiting messages beyond `max`; returns how many, by channel. */
  cap(max: number, now: number): Map<string, number> {
    const dropped = new Map<string, number>();
    this.db.transaction(() => {
      for (const row of this.#overflow.all(max) as { id: number; channel: string }[]) {
        this.#drop.run(now, row.id);
        dropped.set(row.channel, (dropped.get(row.channel) ?? 0) + 1);
      }
    })();
    return dropped;
  }

  /**
   * Drops what waits for channels no longer in the config (removed or renamed): nothing would ever
   * send it. Returns how many, by channel.
   */
  dropOrphans(channels: readonly string[], now: number): Map<string, number> {
    const rows = this.db
      .prepare(`
        SELECT channel, count(*) AS n FROM notification_messages
        WHERE state = 'queued' AND channel NOT IN (SELECT value FROM json_each(?)) GROUP BY channel`)
      .all(JSON.stringify(channels)) as { channel: string; n: number }[];
    this.db
      .prepare(`
        UPDATE notification_messages SET state = 'dropped', done_at = ?
        WHERE state = 'queued' AND channel NOT IN (SELECT value FROM json_each(?))`)
      .run(now, JSON.stringify(channels));
    return new Map(rows.map((r) => [r.channel, r.n]));
  }

  /** The unit's latest messages, newest first. */
  ofUnit(unit: string, limit: number): SentMessage[] {
    return this.#ofUnit.all(unit, limit) as SentMessage[];
  }
}
