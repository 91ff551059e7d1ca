// giamsat_unit_availability_ratio{unit,category,window}, recomputed once a minute one unit per
// step (not per scrape), and giamsat_collector_rollup_lag_seconds.
import type { Gauge } from "prom-client";
import { CATEGORIES } from "../../shared/categories.js";
import { figures } from "../inspection/figures.js";
import type { History } from "../inspection/history.js";
import { DAY, HOUR, type Job } from "../tsdb/index.js";

export const AVAILABILITY_WINDOWS: Readonly<Record<string, number>> = {
  "1h": HOUR,
  "1d": DAY,
  "30d": 30 * DAY,
};
const EVERY_MS = 60_000;

export class AvailabilityGauges implements Job {
  readonly name = "availability_gauges";
  #pass: { units: string[]; next: number } | undefined;
  #lastPass = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly history: History,
    private readonly availability: Gauge<"unit" | "category" | "window">,
    private readonly rollupLag: Gauge,
  ) {}

  step(now: number): boolean {
    if (!this.#pass) {
      if (now - this.#lastPass < EVERY_MS) return false;
      this.#lastPass = now;
      const units = this.history.db
        .prepare("SELECT id FROM units WHERE active = 1 ORDER BY id")
        .pluck()
        .all() as string[];
      this.#pass = { units, next: 0 };
    }
    const pass = this.#pass;
    const unit = pass.units[pass.next++];
    if (unit !== undefined) this.#update(unit, now);
    if (pass.next >= pass.units.length) {
      this.#pass = undefined;
      let oldest = now;
      for (const id of pass.units) oldest = Math.min(oldest, this.history.marks.effective(id));
      this.rollupLag.set(Number.isFinite(oldest) ? Math.max(0, now - oldest) / 1000 : 0);
    }
    return true;
  }

  #update(unit: string, now: number): void {
    for (const [window, length] of Object.entries(AVAILABILITY_WINDOWS)) {
      const scopes = this.history.availability.scopeTimes([unit], now - length, now, now).get(unit);
      for (const category of CATEGORIES) {
        // As the pages and reports say it: unreachable time because of a parent left out.
        const { availability } = figures(scopes?.get(category), length);
        const labels = { unit, category, window };
        // No series at all is better than a made-up value when nothing was observed.
        if (availability !== null) this.availability.set(labels, availability);
        else this.availability.remove(labels);
      }
    }
  }
}
