// giamsat_maintenance_active{unit,agent,check,category}: 1 for each check a planned maintenance
// window covers now, so dashboards show the maintenance and alert rules leave those checks alone;
// and giamsat_check_dependency_info{unit,agent,check,parent} for each check's parents, so the rules
// leave a check alone while its parent is down. Recomputed every few seconds, not per scrape.
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

  #edges = new Map<string, Record<"unit" | "agent" | "check" | "parent", string>>();

  constructor(
    private readonly history: History,
    private readonly active: Gauge<Labels>,
    private readonly dependency?: Gauge<"unit" | "agent" | "check" | "parent">,
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
    if (this.dependency) this.#dependencies(this.dependency);
  }

  #dependencies(gauge: Gauge<"unit" | "agent" | "check" | "parent">): void {
    const { catalog, dependencies, db } = this.history;
    const edges = new Map<string, Record<"unit" | "agent" | "check" | "parent", string>>();
    for (const unit of db
      .prepare("SELECT id FROM units WHERE active = 1")
      .pluck()
      .all() as string[]) {
      for (const check of catalog.unitChecks(unit)) {
        for (const parent of dependencies.parents(check.agentId, unit, check.check)) {
          const labels = { unit, agent: check.agent, check: check.check, parent };
          edges.set(`${unit}\u0000${check.agent}\u0000${check.check}\u0000${parent}`, labels);
          gauge.set(labels, 1);
        }
      }
    }
    for (const [key, labels] of this.#edges) if (!edges.has(key)) gauge.remove(labels);
    this.#edges = edges;
  }
}
