// When a unit's discovery schedule falls due, as pure functions on the Vietnamese calendar: the
// same occurrences a recurring maintenance window has (maintenance-schedule.ts), each an instant.
import type { DiscoverySchedule } from "../../shared/config/discovery.js";
import { type MaintenanceSchedule, WEEKDAYS } from "../../shared/config/maintenance.js";
import { occurrences } from "../inspection/maintenance-schedule.js";

const DAY = 86_400_000;
/** Longer than any gap between two runs of a schedule (a month). */
const SPAN = 32 * DAY;

function recurrence(schedule: DiscoverySchedule): MaintenanceSchedule {
  const [hours = 0, minutes = 0] = schedule.at.split(":").map(Number);
  return {
    every: schedule.every,
    at: hours * 60 + minutes,
    duration: 0,
    ...(schedule.days ? { days: schedule.days.map((d) => WEEKDAYS.indexOf(d)) } : {}),
    ...(schedule.day === undefined ? {} : { day: schedule.day }),
  };
}

/** The first time the schedule is due after `after` (not at it). */
export function nextDue(schedule: DiscoverySchedule, after: number): number {
  // With no duration, an occurrence overlaps [from, to) when from < start < to.
  const found = occurrences(recurrence(schedule), after, after + SPAN)[0];
  if (!found) throw new Error(`no occurrence of ${JSON.stringify(schedule)} within 32 days`);
  return found.start;
}

/** The newest time the schedule was due at or before `now`. */
export function lastDue(schedule: DiscoverySchedule, now: number): number {
  const found = occurrences(recurrence(schedule), now - SPAN, now + 1).at(-1);
  if (!found) throw new Error(`no occurrence of ${JSON.stringify(schedule)} within 32 days`);
  return found.start;
}
