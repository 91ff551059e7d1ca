// A check's rollups by local day: the rollups make each day from its hours, a store from before
// days had them gets them made from its hours in the background (rollups waiting meanwhile, and
// a restart going on from the series it had reached), and a check's time over whole days is the
// same read from days as from hours, as a city report's time unreachable because of a parent.
import { afterEach, describe, expect, it } from "vitest";
import { History } from "../../../collector/inspection/history.js";
import { unitRoots } from "../../../collector/inspection/units.js";
import { bucketOf, bucketStart, DAY_LEVEL, HOUR_LEVEL } from "../../../collector/tsdb/buckets.js";
import { type RollupRow, rollupRows } from "../../helpers/rollups.js";
import { ROOTED_UNITS, schedule, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
const FIRST = vn("00:00:00", "2026-03-01");
const END = vn("00:00:00", "2026-03-04");
const NOW = vn("12:00:00", "2026-03-04");
/** dc-link (the unit's root) and the portal behind it down for an hour on the second day. */
const outage = (ts: number) =>
  ts >= vn("10:00:00", "2026-03-02") && ts < vn("11:00:00", "2026-03-02");

let store: TestStore;
afterEach(() => store?.close());

/** Three local days of the portal and dc-link, every 30 s, sent an hour at a time, rolled up. */
function threeDays(): TestStore {
  const made = testStore(ROOTED_UNITS);
  const agent = made.agent("so-tttt", "pc-01");
  for (let from = FIRST; from < END; from += 60 * MIN) {
    const to = from + 60 * MIN;
    made.write(
      agent,
      [
        ...schedule("portal", "website", from, to, 30_000, outage),
        ...schedule("dc-link", "datacenter", from, to, 30_000, outage),
      ].sort((a, b) => a.ts - b.ts),
    );
  }
  while (made.history.rollups.step(NOW));
  return made;
}

function checkId(history: History, name: string): number {
  history.catalog.refresh();
  const found = history.catalog.unitChecks("so-tttt").find((c) => c.check === name);
  if (!found) throw new Error(`no ${name} check`);
  return found.id;
}

/** The portal's times over the three whole days, as a report reads them. */
function portalTimes(history: History) {
  return history.availability
    .checkTimes("so-tttt", FIRST, END, NOW)
    .get(checkId(history, "portal"));
}

/** Each series' hours summed by local day: what its days should hold. */
function hoursByDay(rows: readonly RollupRow[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const day = bucketOf(DAY_LEVEL, bucketStart(HOUR_LEVEL, row.bucket));
    const key = `${row.owner}/${day}`;
    const sum = out.get(key) ?? { count: 0, up: 0, observed: 0, link: 0 };
    for (const column of ["count", "up", "observed", "link"]) {
      sum[column] = (sum[column] ?? 0) + (row[column] ?? 0);
    }
    out.set(key, sum);
  }
  return out;
}

function daysOf(rows: readonly RollupRow[]): Map<string, Record<string, number>> {
  return new Map(
    rows.map((r) => [
      `${r.owner}/${r.bucket}`,
      { count: r.count ?? 0, up: r.up ?? 0, observed: r.observed ?? 0, link: r.link ?? 0 },
    ]),
  );
}

/** Another History on the store's file: the collector started again. */
function restarted(): History {
  return new History(store.db, {
    retention: store.config.retention,
    incidents: store.config.incidents,
    startedAt: 0,
    roots: unitRoots(store.config.units),
  });
}

/** The store as schema 18 finds one written before: hours, no days, days still to be made. */
function asBefore(after = 0): void {
  store.db.exec("DELETE FROM rollup_1d_chunks");
  store.db
    .prepare("INSERT INTO maintenance_state (job, value) VALUES ('series_days_after', ?)")
    .run(after);
}

describe("a check's rollups by local day", () => {
  it("are made from its hours, and give the hours' times over whole days", () => {
    store = threeDays();
    const days = daysOf(rollupRows(store.db, "rollup_1d"));
    expect(days).toEqual(hoursByDay(rollupRows(store.db, "rollup_1h")));
    const portal = checkId(store.history, "portal");
    const outageDay = bucketOf(DAY_LEVEL, vn("10:00:00", "2026-03-02"));
    expect(days.get(`${portal}/${outageDay}`)?.link).toBe(60 * MIN);
    expect(days.get(`${portal}/${outageDay - 1}`)?.link).toBe(0);
    // Three days observed, the hour of the outage unreachable because of dc-link.
    expect(portalTimes(store.history)).toEqual({
      up: 3 * 24 * 60 * MIN - 60 * MIN,
      observed: 3 * 24 * 60 * MIN,
      link: 60 * MIN,
    });
  });

  it("are made in the background for a store from before, its answers the same meanwhile", () => {
    store = threeDays();
    const made = rollupRows(store.db, "rollup_1d");
    const times = portalTimes(store.history);
    asBefore();

    const history = restarted();
    expect(history.seriesDays.done).toBe(false);
    // The hours are read until the days are made, and rollups wait: they write days too.
    expect(portalTimes(history)).toEqual(times);
    expect(history.rollups.step(NOW + 60 * MIN)).toBe(false);
    let steps = 0;
    while (history.seriesDays.step(NOW)) steps++;
    expect(steps).toBeGreaterThan(0);
    expect(history.seriesDays.done).toBe(true);
    expect(
      store.db
        .prepare("SELECT count(*) FROM maintenance_state WHERE job = 'series_days_after'")
        .pluck()
        .get(),
    ).toBe(0);
    expect(rollupRows(store.db, "rollup_1d")).toEqual(made);
    expect(portalTimes(history)).toEqual(times);
    expect(history.rollups.step(NOW + 60 * MIN)).toBe(true);
  });

  it("go on after a restart from the series the last step reached", () => {
    store = threeDays();
    const made = rollupRows(store.db, "rollup_1d");
    const reached = Math.min(checkId(store.history, "portal"), checkId(store.history, "dc-link"));
    asBefore(reached);
    const history = restarted();
    while (history.seriesDays.step(NOW));
    expect(history.seriesDays.done).toBe(true);
    // Series up to the one reached were done before the restart: they are not made again.
    expect(rollupRows(store.db, "rollup_1d")).toEqual(made.filter((r) => r.owner > reached));
    expect(made.some((r) => r.owner <= reached)).toBe(true);
  });

  it("are not waited for in a new store", () => {
    store = testStore(ROOTED_UNITS);
    expect(store.history.seriesDays.done).toBe(true);
  });
});
