// Problems that are not incidents (a certificate near its end, an agent dropping data, the
// collector's disk or remote_write): opened and resolved by the watchers, each change written with
// its event in one transaction. A problem's key names one occurrence (`<id>@<opened at>`), so one
// that comes back later is a new problem with new dedupe keys.
import type { Db } from "../db/database.js";
import type { EventQueue } from "./events.js";
import type { EventDetail, Severity, Subject } from "./model.js";

export interface OpenCondition {
  id: string;
  key: string;
  unit: string | null;
  openedAt: number;
  detail: EventDetail;
}

export interface ConditionFacts {
  unit: string | null;
  subject: Subject;
  severity: Severity;
  detail: EventDetail;
}

export class Conditions {
  readonly #list;
  readonly #insert;
  readonly #update;
  readonly #delete;

  constructor(
    private readonly db: Db,
    private readonly events: EventQueue,
  ) {
    this.#list = db.prepare(`
      SELECT key AS id, unit_id AS unit, opened_at AS openedAt, detail
      FROM notification_conditions WHERE subject = ?`);
    this.#insert = db.prepare(
      "INSERT INTO notification_conditions (key, unit_id, subject, opened_at, detail) VALUES (?, ?, ?, ?, ?)",
    );
    this.#update = db.prepare("UPDATE notification_conditions SET detail = ? WHERE key = ?");
    this.#delete = db.prepare("DELETE FROM notification_conditions WHERE key = ?");
  }

  /** The open problems of a kind, by id. */
  open(subject: Subject): Map<string, OpenCondition> {
    const rows = this.#list.all(subject) as {
      id: string;
      unit: string | null;
      openedAt: number;
      detail: string;
    }[];
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          key: `${r.id}@${r.openedAt}`,
          unit: r.unit,
          openedAt: r.openedAt,
          detail: JSON.parse(r.detail) as EventDetail,
        },
      ]),
    );
  }

  /** Opens a problem (or announces it again with new facts, e.g. a lower threshold). */
  raise(id: string, facts: ConditionFacts, now: number, existing?: OpenCondition): void {
    this.db.transaction(() => {
      const openedAt = existing?.openedAt ?? now;
      if (existing) this.#update.run(JSON.stringify(facts.detail), id);
      else this.#insert.run(id, facts.unit, facts.subject, openedAt, JSON.stringify(facts.detail));
      this.events.add({
        at: now,
        unit: facts.unit,
        event: "opened",
        subject: facts.subject,
        key: `${id}@${openedAt}`,
        incidentId: null,
        severity: facts.severity,
        detail: { ...facts.detail, since: facts.detail.since ?? openedAt },
      });
    })();
  }

  /** Keeps new facts without announcing them (a count that grew). */
  note(condition: OpenCondition, detail: EventDetail): void {
    this.#update.run(JSON.stringify(detail), condition.id);
  }

  resolve(condition: OpenCondition, subject: Subject, now: number): void {
    this.db.transaction(() => {
      this.#delete.run(condition.id);
      this.events.add({
        at: now,
        unit: condition.unit,
        event: "resolved",
        subject,
        key: condition.key,
        incidentId: null,
        severity: "warning",
        detail: { until: now },
      });
    })();
  }
}
