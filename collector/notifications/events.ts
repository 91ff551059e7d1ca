// The notification queue's entrance: events written by the transaction that opens or closes what
// they are about (an incident, a certificate's threshold, a collector problem), after the policy
// has had its say. Nothing here keeps state, so a rolled-back transaction leaves nothing behind.
import type { Db } from "../db/database.js";
import type { IncidentListener, OpenedIncident } from "../inspection/incidents.js";
import type { NewEvent, QueuedEvent, Severity } from "./model.js";
import type { Policy } from "./policy.js";

/**
 * Check incidents of these categories are critical: citizens and other units see them. Quiet
 * hours hold the others (a LAN device, equipment, an agent gone silent) until morning.
 */
const CRITICAL_CATEGORIES = new Set(["website", "online_app", "shared_software", "datacenter"]);

export function incidentSeverity(category: string | null): Severity {
  return category !== null && CRITICAL_CATEGORIES.has(category) ? "critical" : "warning";
}

/** The key of an incident's problem; event dedupe keys add the event (i12.opened). */
export const incidentKey = (id: number) => `i${id}`;

export class EventQueue implements IncidentListener {
  readonly #insert;
  #queued: () => void = () => {};

  constructor(
    db: Db,
    private readonly policy: Policy,
    private readonly clock: () => number = Date.now,
  ) {
    this.#insert = db.prepare(`
      INSERT INTO notification_events
        (created_at, at, unit_id, event, subject, key, incident_id, severity, detail, status, reason)
      VALUES (@createdAt, @at, @unit, @event, @subject, @key, @incidentId, @severity, @detail,
        @status, @reason)`);
  }

  /** Called after an event was queued (from inside its transaction: defer real work). */
  onQueued(listener: () => void): void {
    this.#queued = listener;
  }

  /** Queues an event inside the caller's transaction; a suppressed one is kept with its reason. */
  add(event: NewEvent): void {
    const decision = this.policy.decide(event);
    this.#insert.run({
      createdAt: this.clock(),
      at: event.at,
      unit: event.unit,
      event: event.event,
      subject: event.subject,
      key: event.key,
      incidentId: event.incidentId,
      severity: event.severity,
      detail: JSON.stringify(event.detail),
      status: decision.status,
      reason: decision.status === "suppressed" ? decision.reason : null,
    });
    if (decision.status === "pending") this.#queued();
  }

  opened(incident: OpenedIncident): void {
    this.add({
      at: incident.start,
      unit: incident.unit,
      event: "opened",
      subject: incident.kind,
      key: incidentKey(incident.id),
      incidentId: incident.id,
      severity: incident.kind === "silence" ? "warning" : incidentSeverity(incident.category),
      detail: {
        category: incident.category,
        check: incident.check,
        agentId: incident.agentId,
        reason: incident.reason,
        message: incident.message,
        since: incident.start,
        ...(incident.planned ? { planned: true } : {}),
      },
    });
  }

  closed(incident: { id: number; kind: "check" | "silence"; unit: string; end: number }): void {
    this.add({
      at: incident.end,
      unit: incident.unit,
      event: "resolved",
      subject: incident.kind,
      key: incidentKey(incident.id),
      incidentId: incident.id,
      // Its beginning's severity is used when it is said (grouper.ts).
      severity: "warning",
      detail: { until: incident.end },
    });
  }
}

/** An event from its notification_events row. */
export function readEvent(row: Record<string, unknown>): QueuedEvent {
  return {
    id: row.id as number,
    createdAt: row.created_at as number,
    at: row.at as number,
    unit: (row.unit_id as string | null) ?? null,
    event: row.event as QueuedEvent["event"],
    subject: row.subject as QueuedEvent["subject"],
    key: row.key as string,
    incidentId: (row.incident_id as number | null) ?? null,
    severity: row.severity as QueuedEvent["severity"],
    detail: JSON.parse(row.detail as string) as QueuedEvent["detail"],
  };
}
