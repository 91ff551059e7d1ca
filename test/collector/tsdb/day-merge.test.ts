// Closed days of 2-hour raw chunks are merged into one chunk per series and day; every reader
// (reads, many series at once, the newest before a time, the first and the last, export,
// availability) sees exactly the same samples before and after, samples that arrive for a merged
// day too, and retention drops a day chunk once all of its day is past raw retention.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSamples } from "../../../collector/cli/export.js";
import { METRICS } from "../../../shared/metrics.js";
import { type TestStore, testStore, vn } from "../../helpers/store.js";

const DAY = 86_400_000;
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

const series = () =>
  store.db.prepare("SELECT id, agent_id AS agentId FROM series ORDER BY id").all() as {
    id: number;
    agentId: number;
  }[];

/** What every reader says about the store, at times across and between the days. */
function readings() {
  const raw = store.history.samples;
  const times = [
    vn("06:00:00", "2026-03-02"),
    vn("06:59:59", "2026-03-02"),
    vn("07:00:00", "2026-03-02"),
    vn("12:34:56", "2026-03-03"),
    vn("00:00:00", "2026-03-04"),
    vn("07:00:01", "2026-03-04"),
    vn("23:00:00", "2026-03-05"),
  ];
  const out: unknown[] = [];
  for (const { id } of series()) {
    out.push(raw.last(id), raw.firstTs(id));
    for (const a of times) {
      for (const b of times) {
        out.push(raw.read(id, a, b), raw.lastBefore(id, a, b));
      }
    }
  }
  out.push([...raw.readMany(series(), times[1] as number, times[5] as number)]);
  for (const [a, b] of [
    [vn("10:00:00", "2026-03-02"), vn("10:00:00", "2026-03-05")],
    [vn("06:58:00", "2026-03-03"), vn("07:03:30", "2026-03-03")],
  ] as const) {
    out.push([...store.history.availability.checkTimes("so-tttt", a, b, a)]);
  }
  return out;
}

beforeAll(() => {
  store = testStore();
  const agent = store.agent("so-tttt", "pc-01");
  let seed = 5;
  const random = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  // Three and a half days of a check every 30 s, 0–3 ms late, a few down, with a round trip.
  const labels = { check: "gw", category: "lan", kind: "ping" };
  const from = vn("00:00:00", "2026-03-02");
  for (let ts = from; ts < from + 3.5 * DAY; ts += 30_000) {
    const at = ts + Math.floor(random() * 4);
    store.write(
      agent,
      [{ check: "gw", category: "lan", ts: at, up: random() > 0.02, kind: "ping" }],
      [{ metric: METRICS.pingRtt.name, labels, ts: at, value: Math.round(random() * 5000) / 1e6 }],
    );
  }
});
afterAll(() => store.close());

describe("merging days of raw chunks", () => {
  let before: unknown[];
  let lines: string[];

  it("waits until a day ended 30 hours ago", () => {
    // UTC days begin at 07:00 in Vietnam. At 12:00 on the 3rd (UTC 05:00) the first day, the 1st
    // UTC (from 00:00 on the 2nd in Vietnam), ended 29 hours before.
    store.history.jobs.runUntilIdle(vn("12:00:00", "2026-03-03"));
    expect(count("day_chunks")).toBe(0);
    expect(count("chunks")).toBeGreaterThan(0);
    before = readings();
  });

  it("merges every closed day and every reader sees the same samples", async () => {
    lines = await exported();
    expect(lines.length).toBeGreaterThan(3 * 2880 * 3);
    // At 16:00 on the 5th (UTC 09:00) the UTC days 1st, 2nd and 3rd ended 30 hours before.
    store.history.jobs.runUntilIdle(vn("16:00:00", "2026-03-05"));
    // Each of the 3 series (up, duration, round trip) has a chunk for each of those days.
    const days = store.db
      .prepare("SELECT DISTINCT id % 2097152 FROM day_chunks ORDER BY 1")
      .pluck()
      .all() as number[];
    expect(days.map((day) => new Date(day * DAY).toISOString().slice(0, 10))).toEqual([
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
    ]);
    expect(count("day_chunks")).toBe(days.length * series().length);
    // No 2-hour chunk is left of a merged day.
    const left = store.db.prepare("SELECT min(id % 2097152) FROM chunks").pluck().get() as number;
    expect(left).toBeGreaterThanOrEqual(4 * 12);
    expect(readings()).toEqual(before);
    expect(await exported()).toEqual(lines);
  });

  it("reads samples that arrive for a merged day with it, in their order", async () => {
    const agent = store.agent("so-tttt", "pc-01");
    const late = vn("12:00:15", "2026-03-02");
    store.write(agent, [{ check: "gw", category: "lan", ts: late, up: false, kind: "ping" }]);
    store.history.jobs.runUntilIdle(vn("20:00:00", "2026-03-05"));
    expect(count("samples")).toBe(0);
    const now = await exported();
    expect(now).toHaveLength(lines.length + 2);
    const up = series()[0]?.id as number;
    const read = store.history.samples.read(up, late - 60_000, late + 60_000);
    expect(read.ts).toEqual([...read.ts].sort((a, b) => a - b));
    expect(read.ts).toContain(late);
    expect(read.values[read.ts.indexOf(late)]).toBe(0);
  });

  it("stores a check on its schedule in a small share of a byte a sample", () => {
    const [bytes, samples] = store.db
      .prepare(
        `SELECT sum(length(d.data)), sum(d.count) FROM day_chunks d JOIN series s
         ON s.id = d.id / 2097152 WHERE s.metric = ?`,
      )
      .raw()
      .get(METRICS.checkUp.name) as [number, number];
    // Two bits of timer jitter a sample, the ups and downs (one result in 50 down), a few bytes a
    // day for the rest.
    expect(bytes / samples).toBeLessThan(0.35);
  });

  it("drops a day chunk once all of its day is past raw retention", () => {
    // Raw retention is 7 days: the UTC day of the 1st goes once 7 days have passed its end.
    const firstDay = () =>
      store.db.prepare("SELECT min(id % 2097152) FROM day_chunks").pluck().get() as number;
    const day = firstDay();
    store.history.jobs.runUntilIdle((day + 1) * DAY + 7 * DAY - 60_000);
    expect(firstDay()).toBe(day);
    store.history.jobs.runUntilIdle((day + 1) * DAY + 7 * DAY + 11 * 60_000);
    expect(firstDay()).toBe(day + 1);
  });
});
