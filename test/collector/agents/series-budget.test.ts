// The series caps' bookkeeping through BatchStore on a real SQLite file, as ingest writes: series of
// a batch that was rolled back, or of one that failed before writing anything, do not count; the
// cap holds whether a batch is written as it comes or checked series by series; and the counts
// read back from the database at start are the ones kept.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BatchStore } from "../../../collector/agents/batch-store.js";
import { type AgentIdentity, AgentStore } from "../../../collector/agents/registry.js";
import { SeriesBudget } from "../../../collector/agents/series-budget.js";
import { type Db, openDatabase } from "../../../collector/db/database.js";
import { syncUnits } from "../../../collector/inspection/units.js";
import type { Batch } from "../../../shared/protocol.js";
import { tempDir } from "../../helpers/processes.js";

const T = Date.parse("2026-03-02T08:00:00Z");

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup(perAgent: number, perCollector = 1000) {
  const dir = tempDir("giamsat-budget-");
  const db = openDatabase(join(dir.path, "collector.db"));
  cleanup = () => {
    db.close();
    dir.remove();
  };
  syncUnits(db, [{ id: "so-tttt", name: "Sở", kind: "department" }], 0);
  const agents = new AgentStore(db);
  const a = agents.enroll("so-tttt", "a1", 0).agent;
  const b = agents.enroll("so-tttt", "b1", 0).agent;
  let failing = false;
  const open = () =>
    new BatchStore(
      db,
      {
        stored: () => {
          if (failing) throw new Error("disk full");
        },
      },
      new SeriesBudget(db, { perAgent, perCollector }),
    );
  let store = open();
  const seqs = new Map<number, number>();
  /** Writes one sample of each interface; returns the counts of what was refused. */
  const write = (agent: AgentIdentity, interfaces: string[]) => {
    const seq = (seqs.get(agent.id) ?? 0) + 1;
    seqs.set(agent.id, seq);
    const out = store.write(agent, batchOf(seq, interfaces), T);
    return out.refused.samples;
  };
  return {
    db,
    a,
    b,
    write,
    fail: (on: boolean) => (failing = on),
    restart: () => (store = open()),
  };
}

function batchOf(seq: number, interfaces: string[]): Batch {
  return {
    type: "batch",
    v: 1,
    seq,
    sentAt: T,
    results: [],
    samples: interfaces.map((name) => ({
      metric: "giamsat_snmp_interface_up",
      labels: { check: "sw", category: "lan", kind: "snmp", interface: name },
      ts: T,
      value: 1,
    })),
  };
}

const names = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `ge-${from + i}`);

function seriesOf(db: Db, agent: AgentIdentity): number {
  return db
    .prepare("SELECT count(*) FROM series WHERE agent_id = ?")
    .pluck()
    .get(agent.id) as number;
}

describe("series caps", () => {
  it("do not count the series of a batch that was rolled back", () => {
    const { db, a, write, fail } = setup(6);
    expect(write(a, names(0, 3))).toEqual({});
    fail(true);
    expect(() => write(a, names(3, 3))).toThrow("disk full");
    fail(false);
    // The three rolled back are not in the store, so three new ones fit, the next does not.
    expect(write(a, names(10, 3))).toEqual({});
    expect(write(a, names(20, 1))).toEqual({ agent_series_limit: 1 });
    expect(seriesOf(db, a)).toBe(6);
  });

  it("hold for a batch checked series by series: known series pass, new ones up to the cap", () => {
    const { db, a, write } = setup(4);
    expect(write(a, names(0, 3))).toEqual({});
    // Four samples: two known, two new; with three counted, only one of the new fits.
    expect(write(a, ["ge-0", "ge-1", "ge-7", "ge-8"])).toEqual({ agent_series_limit: 1 });
    expect(write(a, ["ge-0", "ge-1", "ge-2", "ge-7"])).toEqual({});
    expect(seriesOf(db, a)).toBe(4);
  });

  it("count every agent against the collector's cap, and read the counts back at start", () => {
    const { db, a, b, write, restart } = setup(10, 12);
    expect(write(a, names(0, 8))).toEqual({});
    expect(write(b, names(0, 8))).toEqual({ collector_series_limit: 4 });
    restart();
    expect(write(b, names(100, 1))).toEqual({ collector_series_limit: 1 });
    expect(write(a, names(0, 8))).toEqual({});
    expect([seriesOf(db, a), seriesOf(db, b)]).toEqual([8, 4]);
  });
});
