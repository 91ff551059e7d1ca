// The sample writer finds each sample's series where the agent's last batch had it (written through
// BatchStore, as ingest does): labels in another order, other labels at the same place, and series
// of a rolled-back batch still land right. It stores each value at its metric's precision.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BatchStore } from "../../../collector/agents/batch-store.js";
import { type AgentIdentity, AgentStore } from "../../../collector/agents/registry.js";
import { type Db, openDatabase } from "../../../collector/db/database.js";
import { syncUnits } from "../../../collector/inspection/units.js";
import { METRICS } from "../../../shared/metrics.js";
import type { Batch } from "../../../shared/protocol.js";
import { tempDir } from "../../helpers/processes.js";

const T = Date.parse("2026-03-02T08:00:00Z");
const METRIC = "giamsat_snmp_interface_up";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup(sample?: (seriesId: number, ts: number, value: number) => void) {
  const dir = tempDir("giamsat-samples-");
  const db = openDatabase(join(dir.path, "collector.db"));
  cleanup = () => {
    db.close();
    dir.remove();
  };
  syncUnits(db, [{ id: "so-tttt", name: "Sở", kind: "department" }], 0);
  const agent = new AgentStore(db).enroll("so-tttt", "a1", 0).agent;
  let failing = false;
  const store = new BatchStore(db, {
    stored: () => {
      if (failing) throw new Error("disk full");
    },
    ...(sample ? { sample } : {}),
  });
  let seq = 0;
  const write = (labels: Record<string, string>[], ts: number) =>
    store.write(agent, batch(++seq, labels, ts), ts);
  return { db, agent, store, write, fail: (on: boolean) => (failing = on) };
}

function batch(seq: number, labels: Record<string, string>[], ts: number): Batch {
  return {
    type: "batch",
    v: 1,
    seq,
    sentAt: ts,
    results: [],
    samples: labels.map((l, i) => ({ metric: METRIC, labels: l, ts, value: i })),
  };
}

/** What is stored at `ts`, as labels => value, read back through the series table. */
function storedAt(db: Db, agent: AgentIdentity, ts: number): Record<string, number> {
  const rows = db
    .prepare(
      "SELECT s.labels, v.value FROM samples v JOIN series s ON s.id = v.series_id WHERE v.agent_id = ? AND v.ts = ? ORDER BY v.value",
    )
    .all(agent.id, ts) as { labels: string; value: number }[];
  return Object.fromEntries(rows.map((r) => [r.labels, r.value]));
}

describe("BatchStore series", () => {
  it("tells series apart whatever order their labels come in and wherever they are in a batch", () => {
    const { db, agent, write } = setup();
    write(
      [{ interface: "ge-0", check: "sw" }, { interface: "ge-1", check: "sw" }, { check: "sw" }],
      T,
    );
    // The same series in another order, one with a label more, one with a label less.
    write(
      [
        { check: "sw", interface: "ge-1" },
        { interface: "ge-0", check: "sw", index: "7" },
        { interface: "ge-0", check: "sw" },
        { interface: "ge-0" },
      ],
      T + 1000,
    );
    expect(storedAt(db, agent, T + 1000)).toEqual({
      '{"check":"sw","interface":"ge-1"}': 0,
      '{"check":"sw","index":"7","interface":"ge-0"}': 1,
      '{"check":"sw","interface":"ge-0"}': 2,
      '{"interface":"ge-0"}': 3,
    });
    expect(db.prepare("SELECT count(*) FROM series").pluck().get()).toBe(5);
  });

  it("stores a series again after the batch that created it was rolled back", () => {
    const { db, agent, write, fail } = setup();
    write([{ interface: "ge-0" }, { interface: "ge-2" }], T);
    fail(true);
    expect(() =>
      write([{ interface: "ge-0" }, { interface: "ge-1" }, { interface: "ge-2" }], T + 1000),
    ).toThrow("disk full");
    fail(false);
    // Another series created meanwhile may take the id the rolled-back one had.
    write([{ interface: "ge-9" }], T + 1500);
    write([{ interface: "ge-0" }, { interface: "ge-1" }, { interface: "ge-2" }], T + 2000);
    expect(storedAt(db, agent, T + 1000)).toEqual({});
    expect(storedAt(db, agent, T + 2000)).toEqual({
      '{"interface":"ge-0"}': 0,
      '{"interface":"ge-1"}': 1,
      '{"interface":"ge-2"}': 2,
    });
  });

  it("stores each value at the precision its probe measures, the same for every reader", () => {
    const forwarded: number[] = [];
    const { db, agent, store } = setup((_, __, value) => forwarded.push(value));
    const labels = { check: "gw", category: "lan" as const, kind: "ping" };
    const outcome = store.write(
      agent,
      {
        type: "batch",
        v: 1,
        seq: 1,
        sentAt: T,
        results: [{ ...labels, ts: T, up: true, duration: 0.012_345_678 }],
        samples: [
          { metric: METRICS.pingRtt.name, labels, ts: T, value: 0.000_412_345 },
          { metric: METRICS.pingLoss.name, labels, ts: T, value: 1 / 3 },
          { metric: METRICS.hostUptime.name, labels, ts: T, value: 123_456.789 },
          { metric: METRICS.hostMemoryUsed.name, labels, ts: T, value: 6_000_000_123.4 },
          { metric: METRICS.tlsExpiry.name, labels, ts: T, value: 1_790_000_000 },
          { metric: METRICS.pingJitter.name, labels, ts: T, value: -0.000_000_1 },
        ],
      },
      T,
    );
    // 0.1 ms, the microsecond, 0.01 %, hundredths of a second; a metric without a declared
    // precision as it came; a negative zero is a zero.
    const expected = [1, 0.0123, 0.000412, 0.3333, 123_456.79, 6_000_000_123.4, 1_790_000_000, 0];
    expect(outcome.samples.map((s) => s.value)).toEqual(expected);
    expect(forwarded).toEqual(expected);
    const head = db
      .prepare("SELECT value FROM samples WHERE agent_id = ?")
      .pluck()
      .all(agent.id) as number[];
    expect(head.sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
    expect(Object.is(outcome.samples.at(-1)?.value, 0)).toBe(true);
  });
});
