// A collector store on a temporary SQLite file, written through BatchStore.write like ingest does,
// with the derived history (rollups, incidents, ...) driven by hand at chosen times.
import { join } from "node:path";
import { BatchStore } from "../../collector/agents/batch-store.js";
import type { AgentIdentity } from "../../collector/agents/registry.js";
import { AgentStore } from "../../collector/agents/registry.js";
import { type Db, openDatabase } from "../../collector/db/database.js";
import { History } from "../../collector/inspection/history.js";
import type { IncidentListener } from "../../collector/inspection/incidents.js";
import { syncUnits, unitRoots } from "../../collector/inspection/units.js";
import type { Category } from "../../shared/categories.js";
import { type CollectorConfig, collectorConfigSchema } from "../../shared/config/collector.js";
import type { Reason } from "../../shared/protocol.js";
import { tempDir } from "./processes.js";

/** A day in Vietnam (UTC+7) to put test data on: 2026-03-02. */
export function vn(time: string, day = "2026-03-02"): number {
  return Date.parse(`${day}T${time}+07:00`);
}

/** The test units, so-tttt with `dc-link` as its root check: its remote checks depend on it. */
export const ROOTED_UNITS = {
  units: [
    {
      id: "so-tttt",
      name: "Sở Thông tin và Truyền thông",
      leader: { name: "Nguyễn Văn A" },
      root: "dc-link",
    },
    { id: "quan-hai-chau", name: "UBND quận Hải Châu", kind: "district" },
  ],
};

export interface TestResult {
  check: string;
  category: Category;
  ts: number;
  up: boolean;
  reason?: Reason;
  message?: string;
  kind?: string;
  dependsOn?: string[];
}

export interface TestStore {
  db: Db;
  dir: string;
  config: CollectorConfig;
  history: History;
  batches: BatchStore;
  agent(unit: string, name: string): AgentIdentity;
  /** Stores one batch (results, and samples with their own labels) as ingest would. */
  write(
    agent: AgentIdentity,
    results: TestResult[],
    samples?: { metric: string; labels: Record<string, string>; ts: number; value: number }[],
    inventory?: { check: string; kind: string; ts: number; data: Record<string, unknown> }[],
  ): void;
  close(): void;
}

export function testStore(
  overrides: Record<string, unknown> = {},
  startedAt = 0,
  /** Makes the incident engine's listener (notifications) on the store's database. */
  listener?: (db: Db) => IncidentListener,
): TestStore {
  const dir = tempDir("giamsat-store-");
  const config = collectorConfigSchema.parse({
    database: join(dir.path, "collector.db"),
    units: [
      { id: "so-tttt", name: "Sở Thông tin và Truyền thông", leader: { name: "Nguyễn Văn A" } },
      { id: "quan-hai-chau", name: "UBND quận Hải Châu", kind: "district" },
    ],
    ...overrides,
  });
  const db = openDatabase(config.database);
  syncUnits(db, config.units, startedAt);
  const agents = new AgentStore(db);
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt,
    roots: unitRoots(config.units),
    ...(listener ? { incidentListener: listener(db) } : {}),
  });
  const batches = new BatchStore(db, history.hooks);
  const seqs = new Map<number, number>();
  const enrolled = new Map<string, AgentIdentity>();
  /** Batches are received in order: at their newest sample, or right after the previous batch. */
  let received = 0;
  return {
    db,
    dir: dir.path,
    config,
    history,
    batches,
    agent(unit, name) {
      const key = `${unit}/${name}`;
      let found = enrolled.get(key);
      if (!found) {
        found = agents.enroll(unit, name, startedAt).agent;
        enrolled.set(key, found);
      }
      return found;
    },
    write(agent, results, extra = [], inventory) {
      const seq = (seqs.get(agent.id) ?? 0) + 1;
      seqs.set(agent.id, seq);
      const last = Math.max(
        0,
        ...results.map((r) => r.ts),
        ...extra.map((s) => s.ts),
        ...(inventory ?? []).map((item) => item.ts),
      );
      received = Math.max(received, last);
      batches.write(
        agent,
        {
          type: "batch",
          v: 1,
          seq,
          sentAt: last,
          results: results.map((r) => ({ kind: "ping", duration: 0.01, ...r })),
          samples: extra,
          ...(inventory ? { inventory } : {}),
        },
        received,
      );
    },
    close() {
      history.jobs.stop();
      db.close();
      dir.remove();
    },
  };
}

/** Results of one check every `every` ms in [from, to), up unless `down(ts)` says otherwise. */
export function schedule(
  check: string,
  category: Category,
  from: number,
  to: number,
  every: number,
  down: (ts: number) => boolean = () => false,
  skip: (ts: number) => boolean = () => false,
): TestResult[] {
  const out: TestResult[] = [];
  for (let ts = from; ts < to; ts += every) {
    if (skip(ts)) continue;
    const isDown = down(ts);
    out.push({
      check,
      category,
      ts,
      up: !isDown,
      ...(isDown ? { reason: "timeout" as const } : {}),
    });
  }
  return out;
}
