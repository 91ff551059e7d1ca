// giamsat_maintenance_active{unit,agent,check,category}: 1 for each check a planned maintenance
// window covers now, so dashboards show the maintenance and alert rules leave those checks alone.
// Recomputed every few seconds for the units that have windows, not per scrape.
import type { Gauge } from "prom-client";
import type { History } from "../inspection/history.js";
import type { Job } from "../tsdb/index.js";

const EVERY_MS = 10_000;

type Labels = "unit" | "agent" | "check" | "category";

export class MaintenanceGauge implements Job {
  readonly name = "maintenance_gauge";
  #last = Number.NEGATIVE_INFINITY;
  /** The label sets set to 1 by the last pass, to remove those no longer covered. */
  #shown = new Map<string, Record<Labels, string>>();

  constructor(
    private readonly history: History,
    private readonly active: Gauge<Labels>,
  ) {}

  step(now: number): boolean {
    if (now - this.#last < EVERY_MS) return false;
    this.#last = now;
    this.update(now);
    return true;
  }

  update(now: number): void {
    const { maintenance, catalog } = this.history;
    catalog.refresh();
    const shown = new Map<string, Record<Labels, string>>();
    for (const unit of maintenance.units()) {
      for (const check of catalog.unitChecks(unit)) {
        if (!maintenance.covers(check, now)) continue;
        const labels = { unit, agent: check.agent, check: check.check, category: check.category };
        shown.set(`${unit}\u0000${check.agent}\u0000${check.check}`, labels);
        this.active.set(labels, 1);
      }
    }
    for (const [key, labels] of this.#shown) if (!shown.has(key)) this.active.remove(labels);
    this.#shown = shown;
  }
}
