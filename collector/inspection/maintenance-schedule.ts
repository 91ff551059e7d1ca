// When a maintenance window is on, as pure functions: the occurrences of a schedule in a span of
// time, worked out on the Vietnamese calendar (Asia/Ho_Chi_Minh, UTC+7 all year: no daylight
// saving, but days, weekdays and months are still those of local time, not of UTC), and whether a
// window's scope covers a check.
import { VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import type { MaintenanceSchedule, MaintenanceScope } from "../../shared/config/maintenance.js";
import type { Interval } from "./availability.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The local day (days since 1970-01-01 in Vietnam) that a time falls in. */
function localDay(ts: number): number {
  return Math.floor((ts + VIETNAM_OFFSET_MS) / DAY);
}

/** Whether a recurring schedule starts an occurrence on the local day `day`. */
function startsOn(schedule: MaintenanceSchedule, day: number): boolean {
  if (schedule.every === "daily") return true;
  // The local day's date, read with the UTC getters from its local midnight shifted to UTC's.
  const date = new Date(day * DAY);
  if (schedule.every === "weekly") return schedule.days?.includes(date.getUTCDay()) ?? false;
  // A month without that day (the 31st in April) has no occurrence.
  if (schedule.every === "monthly") return date.getUTCDate() === schedule.day;
  return false;
}

/** Occurrences of a schedule that overlap [from, to), in time order, not cut to it. */
export function occurrences(schedule: MaintenanceSchedule, from: number, to: number): Interval[] {
  if (schedule.every === "once") {
    return schedule.from < to && schedule.to > from
      ? [{ start: schedule.from, end: schedule.to }]
      : [];
  }
  const out: Interval[] = [];
  // An occurrence that began up to `duration` before `from` may still be on.
  const first = localDay(from - schedule.duration) - 1;
  const last = localDay(to);
  for (let day = first; day <= last; day++) {
    if (!startsOn(schedule, day)) continue;
    const start = day * DAY - VIETNAM_OFFSET_MS + schedule.at * MINUTE;
    const end = start + schedule.duration;
    if (start < to && end > from) out.push({ start, end });
  }
  return out;
}

/** What a window's scope is matched against: a check, or (check undefined) an agent as a whole. */
export interface Subject {
  unit: string;
  agent: string;
  check?: string | undefined;
  category?: string | undefined;
}

/**
 * Whether the scope covers the subject: its unit is named, and so are its agent, category and
 * check where the scope names any. An agent as a whole (its silence) is covered only by a scope
 * that does not narrow it to categories or checks.
 */
export function covers(scope: MaintenanceScope, subject: Subject): boolean {
  if (!scope.units.includes(subject.unit)) return false;
  if (scope.agents && !scope.agents.includes(subject.agent)) return false;
  if (scope.categories) {
    if (subject.category === undefined) return false;
    if (!(scope.categories as readonly string[]).includes(subject.category)) return false;
  }
  if (scope.checks) {
    if (subject.check === undefined || !scope.checks.includes(subject.check)) return false;
  }
  return true;
}

/** The parts of sorted, disjoint `intervals` outside sorted, disjoint `cut`. */
export function subtract<T extends Interval>(
  intervals: readonly T[],
  cut: readonly Interval[],
): T[] {
  if (cut.length === 0) return [...intervals];
  const out: T[] = [];
  let j = 0;
  for (const interval of intervals) {
    let start = interval.start;
    while (j < cut.length && (cut[j] as Interval).end <= start) j++;
    let k = j;
    while (k < cut.length && (cut[k] as Interval).start < interval.end) {
      const c = cut[k] as Interval;
      if (c.start > start) out.push({ ...interval, start, end: c.start });
      start = Math.max(start, c.end);
      k++;
    }
    if (start < interval.end) out.push({ ...interval, start, end: interval.end });
  }
  return out;
}

/** Total length of sorted, disjoint intervals. */
export function total(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.end - i.start), 0);
}
