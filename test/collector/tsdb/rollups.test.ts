// A unit's rollups are made hour by hour into one edit that is saved at the end of its local day:
// results that arrive late for an hour already in the edit, before it is saved, are not lost. The
// hours they fall in are made again, whether the unit was catching up on late results already or
// rolling up its newest hours.
import { afterEach, describe, expect, it } from "vitest";
import { bucketTimes } from "../../../collector/inspection/availability.js";
import { bucketOf, HOUR_LEVEL } from "../../../collector/tsdb/buckets.js";
import { holdCap } from "../../../collector/tsdb/catalog.js";
import { rollupRows } from "../../helpers/rollups.js";
import { schedule, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
/** The portal sent nothing from 01:10 to 01:20: its agent buffered those results. */
const buffered = (ts: number) => ts >= vn("01:10:00") && ts < vn("01:20:00");

/** One unit, so that each step below is a step of its rollups. */
const ONE_UNIT = {
  units: [
    { id: "so-tttt", name: "Sở Thông tin và Truyền thông", leader: { name: "Nguyễn Văn A" } },
  ],
};

let store: TestStore;
afterEach(() => store?.close());

function portal() {
  store.history.catalog.refresh();
  const found = store.history.catalog.unitChecks("so-tttt").find((c) => c.check === "portal");
  if (!found) throw new Error("no portal check");
  return found;
}

/** The portal's hour from 01:00 as the rollups hold it, and as its raw results give it. */
function hourOfPortal() {
  const check = portal();
  const from = vn("01:00:00");
  const row = rollupRows(store.db, "rollup_1h").find(
    (r) => r.owner === check.id && r.bucket === bucketOf(HOUR_LEVEL, from),
  );
  const samples = store.history.samples.read(check.id, from - holdCap(check), from + 60 * MIN);
  const raw = bucketTimes(
    [{ id: check.id, category: check.category, cap: holdCap(check), samples }],
    from,
    from + 60 * MIN,
    60 * MIN,
  ).checks.get(check.id)?.[0];
  return { rolledUp: { up: row?.up, observed: row?.observed }, raw };
}

/** Writes the late results: the portal refused connections from 01:10 to 01:20. */
function deliverBuffered(): void {
  const late = schedule("portal", "website", vn("01:10:00"), vn("01:20:00"), 30_000, () => true);
  store.write(store.agent("so-tttt", "pc-01"), late);
}

function rollUpAll(now: number): void {
  while (store.history.rollups.step(now)) {}
}

describe("results arriving late for hours in an edit not saved yet", () => {
  it("are rolled up when the unit was catching up on earlier results", () => {
    store = testStore(ONE_UNIT);
    const agent = store.agent("so-tttt", "pc-01");
    const results = schedule(
      "portal",
      "website",
      vn("00:00:00"),
      vn("06:00:00"),
      30_000,
      () => false,
      buffered,
    );
    for (let i = 0; i < results.length; i += 120) store.write(agent, results.slice(i, i + 120));
    const now = vn("06:10:00");
    // First sight of the unit, then 00:00–01:00 and 01:00–02:00 into the edit.
    for (let i = 0; i < 3; i++) expect(store.history.rollups.step(now)).toBe(true);
    deliverBuffered();
    rollUpAll(now);

    const { rolledUp, raw } = hourOfPortal();
    expect(rolledUp).toEqual({ up: 50 * MIN, observed: 60 * MIN });
    expect(rolledUp).toEqual({ up: raw?.up, observed: raw?.observed });
  });

  it("are rolled up when the unit was rolling up its newest hours", () => {
    store = testStore(ONE_UNIT);
    const agent = store.agent("so-tttt", "pc-01");
    const before = schedule(
      "portal",
      "website",
      vn("23:00:00", "2026-03-01"),
      vn("00:00:00"),
      30_000,
    );
    store.write(agent, before);
    rollUpAll(vn("00:02:00"));
    // The results of 00:00–06:00 arrive in order, except those the agent buffered.
    const results = schedule(
      "portal",
      "website",
      vn("00:00:00"),
      vn("06:00:00"),
      30_000,
      () => false,
      buffered,
    );
    for (let i = 0; i < results.length; i += 120) store.write(agent, results.slice(i, i + 120));
    const now = vn("06:10:00");
    // 00:00–01:00 and 01:00–02:00 into the edit.
    for (let i = 0; i < 2; i++) expect(store.history.rollups.step(now)).toBe(true);
    deliverBuffered();
    rollUpAll(now);

    const { rolledUp, raw } = hourOfPortal();
    expect(rolledUp).toEqual({ up: 50 * MIN, observed: 60 * MIN });
    expect(rolledUp).toEqual({ up: raw?.up, observed: raw?.observed });
  });
});
