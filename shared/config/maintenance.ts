// Planned maintenance windows as collector.yaml declares them and the JSON API takes them: who
// they cover (units, and within them agents, categories or named checks) and when (once from–to,
// or every day, week or month at a time of day in Vietnam time), with the reason people read.
import { z } from "zod";
import { parseApiTime } from "../api-query.js";
import { CATEGORIES, type Category } from "../categories.js";
import { duration } from "../duration.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Day names as written in `days`, in the order of Date#getUTCDay (Sunday is 0). */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export const RECURRENCES = ["daily", "weekly", "monthly"] as const;
export type Recurrence = (typeof RECURRENCES)[number];

/** The longest a recurring window may last: no longer than what it repeats over. */
const LONGEST: Record<Recurrence, number> = { daily: DAY, weekly: 7 * DAY, monthly: 28 * DAY };
/** A one-off window longer than this is a mistake more often than a plan. */
const LONGEST_ONCE = 366 * DAY;

const UNIT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const name = z.string().min(1).max(128);

const time = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === "number" ? value : parseApiTime(value.trim());
  if (ms === undefined || !Number.isFinite(ms)) {
    ctx.addIssue({
      code: "custom",
      message: `"${String(value).slice(0, 40)}" is not a time (write 2026-12-12T22:00:00+07:00; without an offset, Vietnam time)`,
    });
    return z.NEVER;
  }
  return ms;
});

export interface MaintenanceScope {
  units: string[];
  /** Only these agents of the units (by name); every agent when left out. */
  agents?: string[];
  categories?: Category[];
  /** Only the checks of these names. */
  checks?: string[];
}

export type MaintenanceSchedule =
  | { every: "once"; from: number; to: number }
  | {
      every: Recurrence;
      /** Minutes after local midnight. */
      at: number;
      duration: number;
      /** weekly: days of the week, Sunday 0. */
      days?: number[];
      /** monthly: the day of the month. */
      day?: number;
    };

/** A window as it is stored and computed with. */
export interface MaintenanceSpec {
  scope: MaintenanceScope;
  schedule: MaintenanceSchedule;
  reason: string;
}

export const maintenanceWindowSchema = z
  .strictObject({
    units: z
      .array(z.string().regex(UNIT, "must be a unit id ([a-z0-9-]+)"))
      .min(1, "name at least one unit")
      .max(1000),
    agents: z.array(name).min(1).max(1000).optional(),
    categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
    checks: z.array(name).min(1).max(1000).optional(),
    reason: z.string().trim().min(1, "say why (people read it in the reports)").max(500),
    /** One-off: the window's start and end. */
    from: time.optional(),
    to: time.optional(),
    /** Recurring: how often, at what local time, for how long. */
    every: z.enum(RECURRENCES).optional(),
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
    day: z.number().int().min(1).max(31).optional(),
    at: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like "22:00"')
      .optional(),
    duration: duration({ min: MINUTE, max: 28 * DAY }).optional(),
  })
  .superRefine((w, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (w.every === undefined) {
      if (w.from === undefined || w.to === undefined) {
        issue(
          w.from === undefined ? "from" : "to",
          "a window is either once (from and to) or recurring (every, at, duration)",
        );
        return;
      }
      for (const key of ["days", "day", "at", "duration"] as const) {
        if (w[key] !== undefined) issue(key, "only a recurring window (every: ...) takes it");
      }
      if (w.to <= w.from) issue("to", "must be after from");
      else if (w.to - w.from > LONGEST_ONCE) issue("to", "a window lasts at most a year");
      return;
    }
    for (const key of ["from", "to"] as const) {
      if (w[key] !== undefined) issue(key, "only a one-off window takes it; leave out every");
    }
    if (w.at === undefined) issue("at", `every: ${w.every} needs at (the local start, "22:00")`);
    if (w.duration === undefined) issue("duration", `every: ${w.every} needs a duration ("4h")`);
    else if (w.duration > LONGEST[w.every]) {
      issue("duration", `an every: ${w.every} window lasts at most ${LONGEST[w.every] / DAY}d`);
    }
    if (w.every === "weekly" && w.days === undefined) issue("days", "every: weekly needs days");
    if (w.every !== "weekly" && w.days !== undefined) issue("days", "only every: weekly takes it");
    if (w.every === "monthly" && w.day === undefined) issue("day", "every: monthly needs day");
    if (w.every !== "monthly" && w.day !== undefined) issue("day", "only every: monthly takes it");
  })
  .transform((w): MaintenanceSpec => {
    const scope: MaintenanceScope = { units: [...new Set(w.units)].sort() };
    if (w.agents) scope.agents = [...new Set(w.agents)].sort();
    if (w.categories) scope.categories = [...new Set(w.categories)].sort();
    if (w.checks) scope.checks = [...new Set(w.checks)].sort();
    if (w.every === undefined) {
      return {
        scope,
        schedule: { every: "once", from: w.from ?? 0, to: w.to ?? 0 },
        reason: w.reason,
      };
    }
    const [hours = 0, minutes = 0] = (w.at ?? "00:00").split(":").map(Number);
    const schedule: MaintenanceSchedule = {
      every: w.every,
      at: hours * 60 + minutes,
      duration: w.duration ?? 0,
    };
    if (w.days) schedule.days = [...new Set(w.days.map((d) => WEEKDAYS.indexOf(d)))].sort();
    if (w.day !== undefined) schedule.day = w.day;
    return { scope, schedule, reason: w.reason };
  });
export type MaintenanceWindowInput = z.input<typeof maintenanceWindowSchema>;

/** Units a window names that collector.yaml does not declare, as config issues. */
export function unknownMaintenanceUnits(
  windows: readonly MaintenanceSpec[],
  unitIds: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  windows.forEach((w, index) => {
    // A window refused on its own (not transformed) has no scope: its issue is already said.
    for (const unit of w.scope?.units ?? []) {
      if (!unitIds.has(unit)) {
        issues.push({
          path: ["maintenance", index, "units"],
          message: `no unit "${unit}" in units`,
        });
      }
    }
  });
  return issues;
}
