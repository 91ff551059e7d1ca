// Availability and coverage over windows that cut through an outage, agent silence and a
// link-caused failure, computed by hand and checked from raw samples, rollups and chunks alike.
// This is the worked example of docs/developers/store.md.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bucketTimes,
  type CheckInput,
  heldIntervals,
} from "../../../collector/inspection/availability.js";
import { holdCap } from "../../../collector/tsdb/catalog.js";
import { METRICS } from "../../../shared/metrics.js";
import { rollupRows } from "../../helpers/rollups.js";
import { ROOTED_UNITS, schedule, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
/** No results from 10:29:30 to 10:44:30: the agent is silent for a while. */
const silent = (ts: number) => ts >= vn("10:29:30") && ts < vn("10:45:00");
const portalDown = (ts: number) => ts >= vn("10:20:00") && ts <= vn("10:29:00");
const linkDown = (ts: number) => ts >= vn("10:25:00") && ts <= vn("10:29:00");

let store: TestStore;

beforeAll(() => {
  // dc-link is the unit's root: the portal depends on it.
  store = testStore(ROOTED_UNITS);
  const agent = store.agent("so-tttt", "pc-01");
  const from = vn("09:55:00");
  const to = vn("11:05:00");
  const results = [
    ...schedule("portal", "website", from, to, 30_000, portalDown, silent),
    ...schedule("dc-link", "datacenter", from, to, 30_000, linkDown, silent),
  ].sort((a, b) => a.ts - b.ts);
  // Batches of a minute, as an agent would send them.
  for (let i = 0; i < results.length; i += 4) store.write(agent, results.slice(i, i + 4));
});
afterAll(() => store.close());

function portalAndLink(from: number, to: number): CheckInput[] {
  store.history.catalog.refresh();
  const checks = store.history.catalog.unitChecks("so-tttt");
  return checks.map((c) => ({
    id: c.id,
    category: c.category,
    cap: 60_000,
    samples: store.history.samples.read(c.id, from - 60_000, to),
  }));
}

/** Every check of the unit over [from, to) as one bucket, straight from raw samples. */
function rawTimes(from: number, to: number) {
  const checks = store.history.catalog.unitChecks("so-tttt").map((c) => ({
    id: c.id,
    category: c.category,
    cap: holdCap(c),
    samples: store.history.samples.read(c.id, from - holdCap(c), to),
  }));
  return bucketTimes(checks, from, to, to - from, undefined, parentsOf);
}

/** The series a check depends on, from the store's dependencies. */
function parentsOf(id: number): number[] {
  const check = store.history.catalog.unitChecks("so-tttt").find((c) => c.id === id);
  return check
    ? store.history.dependencies.parentSeries(check.agentId, "so-tttt", check.check)
    : [];
}

function idOf(check: string): number {
  store.history.catalog.refresh();
  const found = store.history.catalog.unitChecks("so-tttt").find((c) => c.check === check);
  if (!found) throw new Error(`no check ${check}`);
  return found.id;
}

/** What every way of computing must give for the hour 10:00–11:00 (see docs/developers/store.md). */
const HOUR = {
  portal: { up: 35 * MIN, observed: 45 * MIN, link: 5 * MIN },
  dcLink: { up: 40 * MIN, observed: 45 * MIN, link: 0 },
  website: { up: 35 * MIN, observed: 45 * MIN, link: 5 * MIN, covered: 45 * MIN },
  datacenter: { up: 40 * MIN, observed: 45 * MIN, link: 0, covered: 45 * MIN },
  unit: { up: 75 * MIN, observed: 90 * MIN, link: 5 * MIN, covered: 45 * MIN },
};

/** 10:22:30–10:47:30: starts inside the outage, ends after the silence. */
const CUT = {
  portal: { up: 2.5 * MIN, observed: 10 * MIN, link: 5 * MIN },
  website: { up: 2.5 * MIN, observed: 10 * MIN, link: 5 * MIN, covered: 10 * MIN },
  unit: { up: 7.5 * MIN, observed: 20 * MIN, link: 5 * MIN, covered: 10 * MIN },
};

function expectHour(now: number) {
  const from = vn("10:00:00");
  const to = vn("11:00:00");
  const scopes = store.history.availability.scopeTimes(["so-tttt"], from, to, now).get("so-tttt");
  expect(scopes?.get("website")).toEqual(HOUR.website);
  expect(scopes?.get("datacenter")).toEqual(HOUR.datacenter);
  expect(scopes?.get("*")).toEqual(HOUR.unit);
  const checks = store.history.availability.checkTimes("so-tttt", from, to, now);
  expect(checks.get(idOf("portal"))).toMatchObject(HOUR.portal);
  expect(checks.get(idOf("dc-link"))).toMatchObject(HOUR.dcLink);
}

function expectCut(now: number) {
  const from = vn("10:22:30");
  const to = vn("10:47:30");
  const scopes = store.history.availability.scopeTimes(["so-tttt"], from, to, now).get("so-tttt");
  expect(scopes?.get("website")).toEqual(CUT.website);
  expect(scopes?.get("*")).toEqual(CUT.unit);
  const checks = store.history.availability.checkTimes("so-tttt", from, to, now);
  expect(checks.get(idOf("portal"))).toMatchObject(CUT.portal);
}

describe("availability", () => {
  it("holds each result until the next one, at most twice the interval", () => {
    const samples = store.history.samples.read(idOf("portal"), vn("10:28:00"), vn("10:46:00"));
    const held = heldIntervals(samples, 60_000, vn("10:28:00"), vn("10:46:00"));
    expect(
      held.map((h) => [new Date(h.start).toISOString(), (h.end - h.start) / 1000, h.up]),
    ).toEqual([
      ["2026-03-02T03:28:00.000Z", 30, false],
      ["2026-03-02T03:28:30.000Z", 30, false],
      // the last result before the silence counts for 60 s, then there is no data
      ["2026-03-02T03:29:00.000Z", 60, false],
      ["2026-03-02T03:45:00.000Z", 30, true],
      ["2026-03-02T03:45:30.000Z", 30, true],
    ]);
  });

  it("gives the hand-computed hour from the pure computation", () => {
    const from = vn("10:00:00");
    const to = vn("11:00:00");
    const times = bucketTimes(portalAndLink(from, to), from, to, to - from, undefined, parentsOf);
    expect(times.scopes.get("website")?.[0]).toEqual(HOUR.website);
    expect(times.scopes.get("datacenter")?.[0]).toEqual(HOUR.datacenter);
    expect(times.scopes.get("*")?.[0]).toEqual(HOUR.unit);
    expect(times.checks.get(idOf("portal"))?.[0]).toEqual(HOUR.portal);
  });

  it("gives the same from raw samples before anything is rolled up", () => {
    // Nothing has run yet: the whole window comes from raw samples.
    expect(store.history.marks.get("so-tttt")).toBeUndefined();
    expectHour(vn("12:00:00"));
    expectCut(vn("12:00:00"));
  });

  it("gives the same from rollups, with raw samples for the edges that cut through buckets", () => {
    store.history.jobs.runUntilIdle(vn("09:00:00"));
    store.history.jobs.runUntilIdle(vn("12:00:00"));
    expect(store.history.marks.effective("so-tttt")).toBe(vn("11:55:00"));
    const interval = store.db
      .prepare("SELECT interval_ms FROM checks WHERE name = 'portal'")
      .pluck()
      .get();
    expect(interval).toBe(30_000);
    expectHour(vn("12:00:00"));
    expectCut(vn("12:00:00"));
  });

  it("gives the same once the raw samples are compacted into chunks", () => {
    store.history.jobs.runUntilIdle(vn("14:00:00"));
    const head = store.db.prepare("SELECT count(*) FROM samples").pluck().get();
    expect(head).toBe(0);
    expectHour(vn("14:00:00"));
    expectCut(vn("14:00:00"));
  });

  it("keeps giving the same when late results arrive for an hour already rolled up", () => {
    const agent = store.agent("so-tttt", "pc-02");
    // A second agent delivers, hours late, a check that was down 10:50–10:55 (up before and after).
    const late = schedule("lan-gw", "lan", vn("10:30:00"), vn("11:10:00"), 60_000, (ts) => {
      return ts >= vn("10:50:00") && ts < vn("10:55:00");
    });
    store.write(agent, late);
    expect(store.history.marks.get("so-tttt")?.dirtyFrom).toBe(vn("10:30:00"));
    // While the rollups are stale the answer comes from raw samples past the late data's start.
    const lan = { up: 25 * MIN, observed: 30 * MIN, link: 0, covered: 30 * MIN };
    const check = (now: number) => {
      const scopes = store.history.availability
        .scopeTimes(["so-tttt"], vn("10:00:00"), vn("11:00:00"), now)
        .get("so-tttt");
      expect(scopes?.get("lan")).toEqual(lan);
      expect(scopes?.get("website")).toEqual(HOUR.website);
      // The unit is covered 10:00–10:30 (portal, dc-link) and 10:30–11:00 (lan-gw, all of it).
      expect(scopes?.get("*")).toEqual({
        up: HOUR.unit.up + lan.up,
        observed: HOUR.unit.observed + lan.observed,
        link: 5 * MIN,
        covered: 60 * MIN,
      });
    };
    check(vn("14:00:00"));
    store.history.jobs.runUntilIdle(vn("14:00:00"));
    expect(store.history.marks.get("so-tttt")?.dirtyFrom).toBeUndefined();
    check(vn("14:00:00"));
  });

  it("stores rollups equal to the raw samples they summarise", () => {
    const metricOf = new Map(
      (
        store.db.prepare("SELECT id, metric FROM series").all() as { id: number; metric: string }[]
      ).map((s) => [s.id, s.metric]),
    );
    const rows = rollupRows(store.db, "rollup_5m").map((row) => ({
      id: row.owner,
      bucket: row.bucket,
      count: row.count,
      min: row.min,
      max: row.max,
      sum: row.sum,
      up: row.up,
      observed: row.observed,
      link: row.link,
      metric: metricOf.get(row.owner),
    }));
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const from = row.bucket * 300_000;
      const samples = store.history.samples.read(row.id, from, from + 300_000);
      const values = samples.values;
      expect(row.count, `count of ${row.id}@${row.bucket}`).toBe(values.length);
      if (values.length > 0) {
        expect(row.min).toBe(Math.min(...values));
        expect(row.max).toBe(Math.max(...values));
        expect(row.sum).toBeCloseTo(
          values.reduce((a, b) => a + b, 0),
          9,
        );
      }
      if (row.metric === METRICS.checkUp.name) {
        const times = rawTimes(from, from + 300_000).checks.get(row.id)?.[0];
        expect({ up: row.up, observed: row.observed, link: row.link }).toEqual(times);
      }
    }
    // An hour row is the sum of its 5-minute rows, and the same as raw over the hour.
    const hour = rollupRows(store.db, "rollup_1h").find(
      (row) => row.owner === idOf("portal") && row.bucket === vn("10:00:00") / 3_600_000,
    );
    expect(hour && { up: hour.up, observed: hour.observed, link: hour.link }).toEqual(HOUR.portal);
  });
});
