// Planned maintenance of a unit in a span, as the summaries report it beside availability: how
// many occurrences, how long in all (overlaps counted once), and the reasons given.
import { type Interval, union } from "./availability.js";
import type { Finding } from "./findings.js";
import type { Incident } from "./incident-list.js";
import type { MaintenanceSpan, Occurrence } from "./maintenance.js";
import { total } from "./maintenance-schedule.js";

export interface PlannedOccurrence {
  window: number;
  /** Cut to the span. */
  from: number;
  to: number;
  reason: string;
  /** The window covers only these agents, categories or checks of the unit; all when absent. */
  agents?: string[];
  categories?: string[];
  checks?: string[];
}

export interface PlannedWork {
  count: number;
  /** Time in the span with at least one window on. */
  plannedMs: number;
  /** Distinct reasons, in the order the windows came. */
  reasons: string[];
  occurrences: PlannedOccurrence[];
}

/** The unit's planned work in [from, to), from `MaintenanceSpan.occurrences` of that span. */
export function plannedWork(
  unitOccurrences: readonly Occurrence[],
  from: number,
  to: number,
): PlannedWork {
  if (to <= from) return { count: 0, plannedMs: 0, reasons: [], occurrences: [] };
  const occurrences = unitOccurrences.map((o): PlannedOccurrence => {
    const { scope, reason, id } = o.window;
    return {
      window: id,
      from: Math.max(o.start, from),
      to: Math.min(o.end, to),
      reason,
      ...(scope.agents ? { agents: scope.agents } : {}),
      ...(scope.categories ? { categories: scope.categories } : {}),
      ...(scope.checks ? { checks: scope.checks } : {}),
    };
  });
  const spans = union(occurrences.map((o) => ({ start: o.from, end: o.to })));
  return {
    count: occurrences.length,
    plannedMs: total(spans),
    reasons: [...new Set(occurrences.map((o) => o.reason))],
    occurrences,
  };
}

/** When the check of an incident of the unit was in maintenance within [from, to). */
export function incidentPlanned(maintenance: MaintenanceSpan, unit: string) {
  return (i: Incident, from: number, to: number): Interval[] =>
    maintenance.planned(
      { unit, agent: i.agent, check: i.check ?? undefined, category: i.category ?? undefined },
      from,
      to,
    );
}

/** Planned work over more than this share of the period is a finding: the figures say little. */
const MOSTLY_PLANNED = 0.5;

export function mostlyPlanned(planned: PlannedWork, counted: number): Finding | undefined {
  if (counted <= 0 || planned.plannedMs <= counted * MOSTLY_PLANNED) return undefined;
  return {
    code: "mostly_planned",
    severity: "warning",
    params: {
      plannedMs: planned.plannedMs,
      share: Math.round((planned.plannedMs / counted) * 10_000) / 10_000,
      count: planned.count,
    },
  };
}
