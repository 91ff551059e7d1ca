// Discovery runs the collector starts by itself, on each unit's `discovery.schedule`. When a
// schedule last ran is kept (discovery_schedules), so a restart neither runs it twice nor skips a
// run that fell due while the collector was down; a run due while no agent of the unit can take it
// starts once one connects (tick on its hello), and runs missed meanwhile are one run, not many.
// A schedule new or changed in collector.yaml waits for its next time rather than running at once.

import type { UnitConfig } from "../../shared/config/collector.js";
import type { DiscoverySchedule } from "../../shared/config/discovery.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import { lastDue, nextDue } from "./schedule.js";

/** How the scheduler starts a run, and whether one is going (a scheduled run then waits for it). */
export interface ScheduledStarts {
  /** Starts a run of `networks` (all the unit's when undefined); undefined when no agent can. */
  start(unit: string, networks: readonly string[] | undefined): number | undefined;
  running(unit: string): boolean;
}

/** The next scheduled run, as the API and the unit page show it. */
export interface NextScheduledRun {
  /** When it is due; in the past when it is waiting for an agent of the unit to connect. */
  at: number;
  waiting: boolean;
  schedule: DiscoverySchedule;
}

interface Row {
  schedule: string;
  taken_at: number;
}

export class DiscoveryScheduler {
  constructor(
    private readonly db: Db,
    private readonly units: () => readonly UnitConfig[],
    private readonly starts: ScheduledStarts,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  /** Starts the runs due now, of these units (every unit when left out). */
  tick(only?: readonly string[]): void {
    const now = this.clock();
    const scheduled = new Set<string>();
    for (const unit of this.units()) {
      const schedule = unit.discovery?.schedule;
      if (!schedule) continue;
      scheduled.add(unit.id);
      if (only && !only.includes(unit.id)) continue;
      const key = JSON.stringify(schedule);
      const row = this.#row(unit.id);
      if (!row || row.schedule !== key) {
        this.#take(unit.id, key, lastDue(schedule, now), null);
        continue;
      }
      const due = lastDue(schedule, now);
      if (due <= row.taken_at || this.starts.running(unit.id)) continue;
      const run = this.starts.start(unit.id, schedule.networks);
      if (run === undefined) continue;
      this.#take(unit.id, key, due, run);
      this.log.info(
        { unit: unit.id, run, due: new Date(due).toISOString() },
        "scheduled discovery",
      );
    }
    if (!only) {
      // A schedule taken out of collector.yaml is forgotten: put back, it waits for its next time.
      for (const { unit_id } of this.db
        .prepare("SELECT unit_id FROM discovery_schedules")
        .all() as { unit_id: string }[]) {
        if (!scheduled.has(unit_id)) {
          this.db.prepare("DELETE FROM discovery_schedules WHERE unit_id = ?").run(unit_id);
        }
      }
    }
  }

  next(unitId: string): NextScheduledRun | undefined {
    const schedule = this.units().find((u) => u.id === unitId)?.discovery?.schedule;
    if (!schedule) return undefined;
    const now = this.clock();
    const row = this.#row(unitId);
    if (row?.schedule === JSON.stringify(schedule)) {
      const due = lastDue(schedule, now);
      if (due > row.taken_at) return { at: due, waiting: true, schedule };
    }
    return { at: nextDue(schedule, now), waiting: false, schedule };
  }

  #row(unit: string): Row | undefined {
    return this.db
      .prepare("SELECT schedule, taken_at FROM discovery_schedules WHERE unit_id = ?")
      .get(unit) as Row | undefined;
  }

  #take(unit: string, schedule: string, takenAt: number, run: number | null): void {
    this.db
      .prepare(
        `INSERT INTO discovery_schedules (unit_id, schedule, taken_at, run_id) VALUES (?, ?, ?, ?)
         ON CONFLICT (unit_id) DO UPDATE SET schedule = excluded.schedule,
           taken_at = excluded.taken_at, run_id = coalesce(excluded.run_id, run_id)`,
      )
      .run(unit, schedule, takenAt, run);
  }
}
