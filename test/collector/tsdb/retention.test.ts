// Retention deletes raw samples, 5-minute and hourly rollups when each is past its configured age,
// in short steps, and availability keeps being answered from what is left. Chunks go whole: raw
// ones by 2-hour window, rollups by span of local days (5-minute buckets by day, hours by 8 days,
// days by 64), each once all of it is past its retention.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RollupLevel, rollupRows } from "../../helpers/rollups.js";
import { schedule, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
const DAY = 86_400_000;
let store: TestStore;

function count(table: string): number {
  return store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Rollup buckets kept of a level. */
function buckets(level: RollupLevel): number {
  return rollupRows(store.db, level).length;
}

function hour(now: number, from = vn("10:00:00"), to = vn("11:00:00")) {
  return store.history.availability
    .scopeTimes(["so-tttt"], from, to, now)
    .get("so-tttt")
    ?.get("website");
}

beforeAll(() => {
  store = testStore({ retention: { raw: "1d", fiveMinute: "2d", hourly: "3d" } });
  const agent = store.agent("so-tttt", "pc-01");
  // Up all the time, except 10:30–10:40 (results 10:30:00–10:39:30 fail).
  const results = schedule("portal", "website", vn("09:00:00"), vn("12:00:00"), 30_000, (ts) => {
    return ts >= vn("10:30:00") && ts < vn("10:40:00");
  });
  for (let i = 0; i < results.length; i += 20) store.write(agent, results.slice(i, i + 20));
});
afterAll(() => store.close());

describe("retention", () => {
  it("keeps everything while it is young", () => {
    store.history.jobs.runUntilIdle(vn("18:00:00"));
    expect(count("chunks")).toBeGreaterThan(0);
    expect(count("samples")).toBe(0);
    expect(count("failures")).toBe(20);
    expect(hour(vn("18:00:00"))).toEqual({
      up: 50 * MIN,
      observed: 60 * MIN,
      link: 0,
      covered: 60 * MIN,
    });
  });

  it("deletes raw samples after raw retention; rollups answer, in proportion at uneven edges", () => {
    const now = vn("18:00:00") + DAY;
    store.history.jobs.runUntilIdle(now);
    expect(count("chunks")).toBe(0);
    expect(count("failures")).toBe(0);
    expect(buckets("rollup_5m")).toBeGreaterThan(0);
    expect(hour(now)).toEqual({ up: 50 * MIN, observed: 60 * MIN, link: 0, covered: 60 * MIN });
    // 10:02:30–10:37:30: the 5-minute buckets at both ends count half; the one of 10:35 was all down.
    expect(hour(now, vn("10:02:30"), vn("10:37:30"))).toEqual({
      up: 27.5 * MIN,
      observed: 35 * MIN,
      link: 0,
      covered: 35 * MIN,
    });
    const pass = store.history.retention.last;
    expect(pass?.steps).toBeGreaterThan(0);
    expect(pass?.longestStepMs).toBeLessThan(100);
  });

  it("deletes 5-minute rollups after their retention; hours answer, in proportion at the edges", () => {
    // 2 days later the 5-minute buckets of 10:00–11:00 are past retention and no longer read, but
    // the rest of that local day is not: its chunk is kept.
    let now = vn("18:00:00") + 2 * DAY;
    store.history.jobs.runUntilIdle(now);
    expect(buckets("rollup_5m")).toBeGreaterThan(0);
    const answers = () => {
      expect(hour(now)).toEqual({ up: 50 * MIN, observed: 60 * MIN, link: 0, covered: 60 * MIN });
      // A quarter of the hour 10:00–11:00 (50 of 60 min up) is counted for 10:45–11:00.
      expect(hour(now, vn("10:45:00"), vn("11:15:00"))).toEqual({
        up: 12.5 * MIN + 15 * MIN,
        observed: 30 * MIN,
        link: 0,
        covered: 30 * MIN,
      });
    };
    answers();
    // Once the whole local day is past retention, its 5-minute chunks go.
    now = vn("00:00:00", "2026-03-05") + 10 * MIN;
    store.history.jobs.runUntilIdle(now);
    expect(buckets("rollup_5m")).toBe(0);
    expect(buckets("scope_5m")).toBe(0);
    // check_up and check_duration of the one check for 09:00, 10:00 and 11:00, and check_up for
    // 12:00, into which the last result (11:59:30) counts for 30 s.
    expect(buckets("rollup_1h")).toBe(7);
    answers();
  });

  it("deletes hourly rollups and daily availability after the hourly retention", () => {
    // Past the hourly retention the hours are no longer read, though their chunk is still kept:
    // 2026-03-02 is in the span of 8 local days from 2026-02-28.
    let now = vn("18:00:00") + 4 * DAY;
    store.history.jobs.runUntilIdle(now);
    expect(hour(now)).toBeUndefined();
    expect(buckets("rollup_1h")).toBe(7);
    now = vn("00:00:00", "2026-03-11") + 10 * MIN;
    store.history.jobs.runUntilIdle(now);
    expect(buckets("rollup_1h")).toBe(0);
    expect(buckets("scope_1h")).toBe(0);
    expect(buckets("scope_1d")).toBeGreaterThan(0);
    // Days go by 64: the span from 2026-01-27 to 2026-03-31.
    now = vn("00:00:00", "2026-04-04") + 10 * MIN;
    store.history.jobs.runUntilIdle(now);
    expect(buckets("scope_1d")).toBe(0);
    expect(count("rollup_1h_chunks") + count("scope_1h_chunks") + count("scope_1d_chunks")).toBe(0);
  });
});
