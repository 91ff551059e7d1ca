// Reminders: a problem still open repeatInterval after it was last announced is announced again
// (a repeat event, grouped like any other). Only problems said on their own are reminded of: a
// check attributed to its unit's link is in the link's reminder.
import type { Db } from "../db/database.js";
import { type EventQueue, readEvent } from "./events.js";

export class Repeats {
  readonly #openIncidents;
  readonly #openConditions;
  readonly #last;
  readonly #waiting;

  constructor(
    db: Db,
    private readonly events: EventQueue,
    private readonly repeatInterval: number,
  ) {
    this.#openIncidents = db
      .prepare("SELECT 'i' || id FROM incidents WHERE end_ts IS NULL")
      .pluck();
    // Certificates are announced once per threshold instead.
    this.#openConditions = db
      .prepare(
        "SELECT key || '@' || opened_at FROM notification_conditions WHERE subject != 'certificate'",
      )
      .pluck();
    this.#last = db.prepare(`
      SELECT * FROM notification_events
      WHERE key = ? AND event IN ('opened', 'repeat') AND status = 'sent' AND root_key IS NULL
      ORDER BY id DESC LIMIT 1`);
    this.#waiting = db
      .prepare(
        "SELECT 1 FROM notification_events WHERE key = ? AND (status = 'pending' OR event = 'resolved')",
      )
      .pluck();
  }

  step(now: number): void {
    const keys = [
      ...(this.#openIncidents.all() as string[]),
      ...(this.#openConditions.all() as string[]),
    ];
    for (const key of keys) {
      const row = this.#last.get(key) as Record<string, unknown> | undefined;
      if (!row) continue;
      const last = readEvent(row);
      if (now - last.createdAt < this.repeatInterval) continue;
      if (this.#waiting.get(key) !== undefined) continue;
      this.events.add({
        at: now,
        unit: last.unit,
        event: "repeat",
        subject: last.subject,
        key,
        incidentId: last.incidentId,
        severity: last.severity,
        detail: last.detail,
      });
    }
  }
}
