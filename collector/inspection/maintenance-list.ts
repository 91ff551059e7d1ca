// Maintenance windows as the API and the unit page show them: each with its occurrence in
// progress and its next one, in the words of collector.yaml (times as ISO text in Vietnam time).
import { VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import { WEEKDAYS } from "../../shared/config/maintenance.js";
import type { Maintenance, MaintenanceWindow, Occurrence } from "./maintenance.js";

export interface MaintenanceWindowView {
  id: number;
  source: "config" | "web";
  units: string[];
  agents: string[] | null;
  categories: string[] | null;
  checks: string[] | null;
  reason: string;
  /** once, daily, weekly or monthly. */
  every: string;
  /** As written: once: from and to; recurring: at, duration, days or day. */
  from: number | null;
  to: number | null;
  at: string | null;
  durationMs: number | null;
  days: string[] | null;
  day: number | null;
  createdBy: string;
  createdAt: number;
  /** The occurrence on now, and the next one to come (within a year). */
  current: { from: number; to: number } | null;
  next: { from: number; to: number } | null;
}

/** GET /api/v1/maintenance. */
export interface MaintenancePage {
  windows: MaintenanceWindowView[];
}

const span = (o: Occurrence | undefined) => (o ? { from: o.start, to: o.end } : null);

export function windowView(
  maintenance: Maintenance,
  window: MaintenanceWindow,
  now: number,
): MaintenanceWindowView {
  const { scope, schedule } = window;
  const once = schedule.every === "once";
  const at = once
    ? null
    : `${String(Math.floor(schedule.at / 60)).padStart(2, "0")}:${String(schedule.at % 60).padStart(2, "0")}`;
  return {
    id: window.id,
    source: window.source,
    units: scope.units,
    agents: scope.agents ?? null,
    categories: scope.categories ?? null,
    checks: scope.checks ?? null,
    reason: window.reason,
    every: schedule.every,
    from: once ? schedule.from : null,
    to: once ? schedule.to : null,
    at,
    durationMs: once ? null : schedule.duration,
    days: once ? null : (schedule.days?.map((d) => WEEKDAYS[d] as string) ?? null),
    day: once ? null : (schedule.day ?? null),
    createdBy: window.createdBy,
    createdAt: window.createdAt,
    current: span(maintenance.occurrencesOf(window, now, now + 1)[0]),
    next: span(maintenance.next(window, now)),
  };
}

/** Windows of these units (all when undefined) that are on now or are still to come. */
export function listMaintenance(
  maintenance: Maintenance,
  units: readonly string[] | undefined,
  now: number,
): MaintenancePage {
  const seen = new Set<number>();
  const windows: MaintenanceWindowView[] = [];
  const all = units ?? maintenance.units();
  for (const unit of all) {
    for (const window of maintenance.windowsOf(unit)) {
      if (seen.has(window.id)) continue;
      seen.add(window.id);
      const view = windowView(maintenance, window, now);
      if (view.current || view.next) windows.push(view);
    }
  }
  windows.sort((a, b) => start(a) - start(b) || a.id - b.id);
  return { windows };
}

function start(view: MaintenanceWindowView): number {
  return view.current?.from ?? view.next?.from ?? Number.POSITIVE_INFINITY;
}

/** A time as people in Vietnam read it, for messages: 2026-12-12 22:00. */
export function localTime(ts: number): string {
  return new Date(ts + VIETNAM_OFFSET_MS).toISOString().slice(0, 16).replace("T", " ");
}
