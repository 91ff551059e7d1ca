// What a unit's categories were doing over a window, slot by slot: up, down (something in the
// category was seen down in the slot), no data (nothing observed), or planned maintenance (a window
// covering the category for at least half of the slot, nothing seen down). And availability month
// by month, for the trend against the target. Both read the same times as every other figure (the
// rollups).

import type { Period } from "../../shared/api-query.js";
import { CATEGORIES } from "../../shared/categories.js";
import { type Interval, intersect, UNIT_SCOPE, union } from "./availability.js";
import { figures } from "./figures.js";
import { total } from "./maintenance-schedule.js";
import { monthOf, shiftPeriod } from "./periods.js";
import type { Readers } from "./readers.js";

export const TIMELINE_STATES = ["up", "down", "no_data", "maintenance"] as const;
export type TimelineState = (typeof TIMELINE_STATES)[number];

export interface TimelineSlot {
  from: number;
  to: number;
  state: TimelineState;
  /** Up, down and observed time summed over the scope's checks in the slot. */
  upMs: number;
  downMs: number;
  observedMs: number;
}

/** Slots are drawn only when at least this share of them was observed; less is no data. */
const OBSERVED_ENOUGH = 0.05;

/**
 * Each category's slots (and the whole unit's, under "*") in [from, to), `slots` of them of equal
 * length. Read slot by slot through the availability query, so each slot agrees with the figures.
 */
export function categoryTimelines(
  ctx: Readers,
  unit: string,
  from: number,
  to: number,
  slots: number,
): Map<string, TimelineSlot[]> {
  const now = ctx.now();
  const size = (to - from) / slots;
  const out = new Map<string, TimelineSlot[]>(
    [...CATEGORIES, UNIT_SCOPE].map((scope) => [scope, []]),
  );
  // When planned maintenance covered each scope: windows naming the category (or none) count.
  const occurrences = ctx.history.maintenance.unitOccurrences(unit, from, to);
  const plannedOf = new Map<string, Interval[]>(
    [...out.keys()].map((scope) => [
      scope,
      union(
        occurrences
          .filter((o) => {
            const categories = o.window.scope.categories as readonly string[] | undefined;
            return scope === UNIT_SCOPE || categories === undefined || categories.includes(scope);
          })
          .map((o) => ({ start: o.start, end: o.end })),
      ),
    ]),
  );
  for (let i = 0; i < slots; i++) {
    const start = Math.round(from + i * size);
    const end = i === slots - 1 ? to : Math.round(from + (i + 1) * size);
    const times = ctx.history.availability.scopeTimes([unit], start, end, now).get(unit);
    for (const [scope, list] of out) {
      const t = times?.get(scope);
      const observedMs = Math.round(t?.observed ?? 0);
      const upMs = Math.round(t?.up ?? 0);
      const covered = t?.covered ?? 0;
      const downMs = observedMs - upMs;
      const planned = total(intersect(plannedOf.get(scope) ?? [], [{ start, end }]));
      const state: TimelineState =
        downMs > 0 && covered >= (end - start) * OBSERVED_ENOUGH
          ? "down"
          : planned >= (end - start) / 2
            ? "maintenance"
            : covered < (end - start) * OBSERVED_ENOUGH
              ? "no_data"
              : "up";
      list.push({ from: start, to: end, state, upMs, downMs, observedMs });
    }
  }
  return out;
}

export interface MonthFigure {
  period: Period;
  availability: number | null;
}

/** The unit's availability in each of the `count` months up to the one `now` is in, oldest first. */
export function monthlyAvailability(ctx: Readers, unit: string, count: number): MonthFigure[] {
  const now = ctx.now();
  const last = monthOf(now);
  const out: MonthFigure[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const period = shiftPeriod(last, -i);
    const until = Math.min(period.to, now);
    const times = ctx.history.availability
      .scopeTimes([unit], period.from, until, now)
      .get(unit)
      ?.get(UNIT_SCOPE);
    out.push({ period, availability: figures(times, until - period.from).availability });
  }
  return out;
}
