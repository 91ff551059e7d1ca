// Compaction moves closed 2-hour windows of raw samples into compressed chunks; export, /metrics
// start-up (BatchStore.latest) and readers see exactly the same samples before and after.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSamples } from "../../../collector/cli/export.js";
import { History } from "../../../collector/inspection/history.js";
import { METRICS } from "../../../shared/metrics.js";
import { type TestStore, testStore, vn } from "../../helpers/store.js";

let store: TestStore;

async function exported(): Promise<string[]> {
  let text = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  await exportSamples(store.db, {}, sink);
  return text.split("\n").filter(Boolean).sort();
}

function count(table: string): number {
  return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

beforeAll(() => {
  store = testStore();
  const agent = store.agent("so-tttt", "pc-01");
  let seed = 3;
  const random = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  // Four hours of a ping check every 30 s: measured durations (any double), rtt in microseconds
  // as ping prints them, a byte counter, and up/down.
  for (let ts = vn("08:00:00"); ts < vn("12:00:00"); ts += 30_000) {
    const jitter = Math.floor(random() * 4);
    const labels = { check: "gw", category: "lan", kind: "ping" };
    store.write(
      agent,
      [{ check: "gw", category: "lan", ts: ts + jitter, up: random() > 0.05, kind: "ping" }],
      [
        {
          metric: METRICS.pingRtt.name,
          labels,
          ts: ts + jitter,
          value: Math.round(random() * 5000) / 1e6,
        },
        {
          metric: METRICS.hostNetworkReceive.name,
          labels: { interface: "eth0" },
          ts: ts + jitter,
          value: 7e9 + Math.round((ts - vn("08:00:00")) * 41.7),
        },
      ],
    );
  }
});
afterAll(() => store.close());

describe("compaction", () => {
  let before: string[];

  it("leaves the window under way, and the one before for 10 minutes, in the head", () => {
    // 10 minutes before 11:05 is 10:55, in the window 09:00–11:00 (UTC 02:00–04:00): only what is
    // before 09:00 is compacted.
    store.history.jobs.runUntilIdle(vn("11:05:00"));
    expect(store.history.compaction.compactedBefore).toBe(vn("09:00:00"));
    expect(count("samples")).toBe(3 * 120 * 4);
    expect(store.db.prepare("SELECT sum(count) FROM chunks").pluck().get()).toBe(120 * 4);
  });

  it("finds the newest sample before a time, and many series at once, as a plain read does", () => {
    // Now half in chunks (before 09:00), half in the head.
    const series = store.db
      .prepare("SELECT id, agent_id AS agentId FROM series ORDER BY id")
      .all() as { id: number; agentId: number }[];
    const raw = store.history.samples;
    const times = [
      "07:00:00",
      "08:00:00",
      "08:59:59",
      "09:00:00",
      "09:00:31",
      "10:47:02",
      "13:00:00",
    ];
    for (const { id } of series) {
      for (const [a, b] of times.flatMap((x) =>
        times.map((y): [number, number] => [vn(x), vn(y)]),
      )) {
        const read = raw.read(id, a, b);
        const n = read.ts.length - 1;
        const expected = n < 0 ? undefined : { ts: read.ts[n], value: read.values[n] };
        expect(raw.lastBefore(id, a, b)).toEqual(expected);
      }
    }
    const many = raw.readMany(series, vn("08:30:00"), vn("09:30:00"));
    for (const { id } of series)
      expect(many.get(id)).toEqual(raw.read(id, vn("08:30:00"), vn("09:30:00")));
  });

  it("reads, exports and serves /metrics the same samples from chunks as from rows", async () => {
    before = await exported();
    expect(before).toHaveLength(4 * 120 * 4);
    const latest = store.batches.latest(vn("11:50:00"));
    store.history.jobs.runUntilIdle(vn("16:00:00"));
    expect(count("samples")).toBe(0);
    expect(await exported()).toEqual(before);
    // Only the chunks hold the newest values now; a staleness long enough still finds them.
    const fromChunks = store.batches.latest(vn("11:50:00"));
    expect(fromChunks.map((s) => [s.series.metric, s.ts, s.value]).sort()).toEqual(
      latest.map((s) => [s.series.metric, s.ts, s.value]).sort(),
    );
  });

  it("merges samples that arrive late into the chunk of their window", async () => {
    const agent = store.agent("so-tttt", "pc-01");
    const late = vn("08:00:15");
    store.write(agent, [{ check: "gw", category: "lan", ts: late, up: false, kind: "ping" }]);
    // Until the next pass the late sample sits in the head, and readers merge it in.
    expect(count("samples")).toBe(2);
    expect(await exported()).toHaveLength(before.length + 2);
    store.history.jobs.runUntilIdle(vn("18:00:00"));
    expect(count("samples")).toBe(0);
    const lines = await exported();
    expect(lines).toHaveLength(before.length + 2);
    expect(lines).toContain(
      `{"metric":"giamsat_check_up","labels":{"unit":"so-tttt","agent":"pc-01","category":"lan","check":"gw","kind":"ping"},"ts":${late},"value":0}`,
    );
    const chunks = store.db.prepare("SELECT count(*) FROM chunks").pluck().get();
    // 08:00–12:00 in Vietnam is 01:00–05:00 UTC: three 2-hour windows for each of the 4 series.
    expect(chunks).toBe(4 * 3);
  });

  it("stores these series in about two bytes a sample", () => {
    const bytes = store.db
      .prepare("SELECT sum(length(data)), sum(count) FROM chunks")
      .raw()
      .get() as [number, number];
    const perSample = bytes[0] / bytes[1];
    // Up/down, rtt in microseconds, a steady counter and a constant duration, 0–3 ms late.
    expect(perSample).toBeLessThan(1.5);
  });

  it("finds samples that a pass cut short by a crash moved, after a restart", () => {
    // Compaction is done up to 17:00 (10:00 UTC); an agent's samples of 17:00–18:00 arrive.
    expect(store.history.compaction.compactedBefore).toBe(vn("17:00:00"));
    const agent = store.agent("quan-hai-chau", "pc-01");
    for (let ts = vn("17:00:00"); ts < vn("18:00:00"); ts += 30_000) {
      store.write(agent, [{ check: "gw", category: "lan", ts, up: true, kind: "ping" }]);
    }
    // As a version that did not save how far its pass reached, killed after moving one agent.
    store.db.prepare("DELETE FROM maintenance_state WHERE job = 'compacting_before'").run();
    store.db.transaction(() => store.history.compaction.compactAgent(agent.id, vn("19:00:00")))();
    const restarted = new History(store.db, {
      retention: store.config.retention,
      incidents: store.config.incidents,
      startedAt: 0,
    });
    const series = store.db
      .prepare("SELECT id FROM series WHERE agent_id = ? AND metric = ?")
      .pluck()
      .get(agent.id, METRICS.checkUp.name) as number;
    expect(count("samples")).toBe(0);
    expect(restarted.samples.read(series, vn("17:00:00"), vn("18:00:00")).ts).toHaveLength(120);
    expect(restarted.samples.last(series)?.ts).toBe(vn("17:59:30"));
  });
});
