// What the incident engine tells a listener (notifications) of each incident it opens or closes:
// called inside the transaction that writes the change, so what the listener writes there is
// committed with it or not at all. Keep it cheap: it runs while a batch is stored.

/** An incident just opened, as the listener is told of it. */
export interface OpenedIncident {
  id: number;
  kind: "check" | "silence";
  unit: string;
  agentId: number;
  check: string | null;
  category: string | null;
  start: number;
  reason: string | null;
  message: string | null;
  /** It began inside a planned maintenance window: not announced. */
  planned: boolean;
}

/** Told of every incident opened or closed, inside the transaction that writes it. */
export interface IncidentListener {
  opened(incident: OpenedIncident): void;
  closed(incident: { id: number; kind: "check" | "silence"; unit: string; end: number }): void;
}
