// Discovery runs and the devices they found, kept per unit: a run's state and progress, and one
// row per address with first and last seen, what the run before found, and a person's decision.
import type { DiscoveredDevice } from "../../shared/discovery.js";
import type { DiscoveryReport } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import { finishedRuns, missedBy } from "../inspection/discovery-coverage.js";

export interface DiscoveryRun {
  id: number;
  unit: string;
  state: "running" | "done" | "failed";
  networks: string[];
  startedAt: number;
  finishedAt: number | null;
  progress: { swept: number; total: number };
  error: string | null;
}

export interface KnownDevice {
  device: DiscoveredDevice;
  firstSeen: number;
  lastSeen: number;
  lastRun: number;
  /**
   * new: first found by the newest run that covered it; changed: its identity differs from the run
   * before; gone: a later run that covered its address did not find it.
   */
  status: "new" | "changed" | "seen" | "gone";
  decision: "approved" | "ignored" | null;
}

interface RunRow {
  id: number;
  unit_id: string;
  agent_id: number | null;
  state: DiscoveryRun["state"];
  networks: string;
  started_at: number;
  finished_at: number | null;
  swept: number;
  total: number;
  error: string | null;
}

function run(row: RunRow): DiscoveryRun {
  return {
    id: row.id,
    unit: row.unit_id,
    state: row.state,
    networks: JSON.parse(row.networks) as string[],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: { swept: row.swept, total: row.total },
    error: row.error,
  };
}

/** What makes a device "changed": its identity, not when or how it was found. */
function identity(device: DiscoveredDevice): string {
  const { type, sysName, sysObjectID, model, serial } = device;
  return JSON.stringify([type, sysName, sysObjectID, model, serial]);
}

export class DiscoveryStore {
  constructor(private readonly db: Db) {}

  start(
    unit: string,
    agentId: number | null,
    networks: readonly string[],
    by: string,
    now: number,
  ) {
    const info = this.db
      .prepare(
        "INSERT INTO discovery_runs (unit_id, agent_id, networks, requested_by, state, started_at) VALUES (?, ?, ?, ?, 'running', ?)",
      )
      .run(unit, agentId, JSON.stringify(networks), by, now);
    return Number(info.lastInsertRowid);
  }

  get(id: number): (DiscoveryRun & { agentId: number | null }) | undefined {
    const row = this.db.prepare("SELECT * FROM discovery_runs WHERE id = ?").get(id) as
      | RunRow
      | undefined;
    return row ? { ...run(row), agentId: row.agent_id } : undefined;
  }

  latest(unit: string): DiscoveryRun | undefined {
    const row = this.db
      .prepare("SELECT * FROM discovery_runs WHERE unit_id = ? ORDER BY id DESC LIMIT 1")
      .get(unit) as RunRow | undefined;
    return row ? run(row) : undefined;
  }

  /** The runs of an agent still running. */
  runningOf(agentId: number): number[] {
    const rows = this.db
      .prepare("SELECT id FROM discovery_runs WHERE agent_id = ? AND state = 'running'")
      .all(agentId) as { id: number }[];
    return rows.map((row) => row.id);
  }

  fail(id: number, error: string, now: number): void {
    this.db
      .prepare(
        "UPDATE discovery_runs SET state = 'failed', error = ?, finished_at = ? WHERE id = ? AND state = 'running'",
      )
      .run(error, now, id);
  }

  /** A report of a running run from the agent it was sent to; anything else is ignored. */
  report(agentId: number, report: DiscoveryReport, now: number): boolean {
    const current = this.get(report.id);
    if (!current || current.agentId !== agentId || current.state !== "running") return false;
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE discovery_runs SET state = ?, swept = ?, total = ?, error = ?, finished_at = ? WHERE id = ?",
        )
        .run(
          report.state,
          report.progress.swept,
          report.progress.total,
          report.error ?? null,
          report.state === "running" ? null : now,
          report.id,
        );
      if (report.state !== "done") return;
      const upsert = this.db.prepare(`
        INSERT INTO discovered_devices (unit_id, address, first_seen, last_seen, last_run, data)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (unit_id, address) DO UPDATE SET
          previous = data, data = excluded.data, last_seen = excluded.last_seen,
          last_run = excluded.last_run`);
      for (const device of report.devices ?? []) {
        upsert.run(current.unit, device.address, now, now, report.id, JSON.stringify(device));
      }
    })();
    return true;
  }

  /** The unit's devices as of its newest finished runs (each as of the newest that covered it). */
  devices(unit: string): KnownDevice[] {
    const finished = finishedRuns(this.db, unit).get(unit) ?? [];
    const rows = this.db
      .prepare("SELECT * FROM discovered_devices WHERE unit_id = ? ORDER BY address")
      .all(unit) as {
      address: string;
      first_seen: number;
      last_seen: number;
      last_run: number;
      data: string;
      previous: string | null;
      decision: KnownDevice["decision"];
    }[];
    return rows.map((row) => {
      const device = JSON.parse(row.data) as DiscoveredDevice;
      let status: KnownDevice["status"] = "seen";
      if (missedBy(finished, row.address, row.last_run)) status = "gone";
      else if (row.previous === null) status = "new";
      else if (identity(JSON.parse(row.previous) as DiscoveredDevice) !== identity(device)) {
        status = "changed";
      }
      return {
        device,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
        lastRun: row.last_run,
        status,
        decision: row.decision,
      };
    });
  }

  /** Records a person's decision about a device; false when the unit has no such device. */
  decide(
    unit: string,
    address: string,
    decision: "approved" | "ignored",
    approvedChecks: unknown[] | null,
    by: string,
    now: number,
  ): boolean {
    const info = this.db
      .prepare(
        "UPDATE discovered_devices SET decision = ?, approved_checks = ?, decided_by = ?, decided_at = ? WHERE unit_id = ? AND address = ?",
      )
      .run(
        decision,
        approvedChecks ? JSON.stringify(approvedChecks) : null,
        by,
        now,
        unit,
        address,
      );
    return info.changes > 0;
  }

  /** The checks approved for the unit's devices (recorded here until central checks take them). */
  approvedChecks(unit: string): unknown[] {
    return [...this.approvedChecksByAddress(unit).values()].flat();
  }

  /** The checks approved for each approved device of the unit, as the person approved them. */
  approvedChecksByAddress(unit: string): Map<string, unknown[]> {
    const rows = this.db
      .prepare(
        "SELECT address, approved_checks FROM discovered_devices WHERE unit_id = ? AND decision = 'approved' ORDER BY address",
      )
      .all(unit) as { address: string; approved_checks: string | null }[];
    return new Map(
      rows.map((row) => [
        row.address,
        row.approved_checks ? (JSON.parse(row.approved_checks) as unknown[]) : [],
      ]),
    );
  }
}
