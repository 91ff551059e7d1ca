// Planned maintenance in the figures a leader signs: a 20-minute outage inside a one-off window is
// 100% available with 20 minutes of planned maintenance and no notification; the same outage
// outside any window is downtime and announced; a window declared after the rollups were made
// changes them; an incident open before a window keeps its notifications.
import { afterEach, describe, expect, it } from "vitest";
import { inspectionReaders } from "../../../collector/inspection/readers.js";
import { inspectionSummary } from "../../../collector/inspection/summary.js";
import { categoryTimelines } from "../../../collector/inspection/timeline.js";
import { plannedMaintenance } from "../../../collector/notifications/policy.js";
import { type Period, parsePeriod } from "../../../shared/api-query.js";
import { maintenanceWindowSchema } from "../../../shared/config/maintenance.js";
import { type NotifyingStore, notifyingStore } from "../../helpers/notifications.js";
import { schedule, vn } from "../../helpers/store.js";

const SEC = 1000;
const MIN = 60 * SEC;
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const contact = { name: "Trần Văn Bình", email: "binh@example.gov.vn" };
const WINDOW = {
  units: ["so-tttt"],
  from: "2026-03-02T10:20:00+07:00",
  to: "2026-03-02T10:40:00+07:00",
  reason: "Nâng cấp máy chủ",
};
const config = (maintenance: unknown[]) => ({
  units: [
    { id: "so-tttt", name: "Sở Thông tin và Truyền thông", contact },
    { id: "quan-hai-chau", name: "UBND quận Hải Châu", contact },
  ],
  notifications: {
    channels: [{ name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" }],
    routes: [{ channels: ["mail"] }],
    groupWait: "0s",
  },
  maintenance,
});

/** An hour of a website check every 10 s from 10:00, down from 10:20 to 10:40, in both units. */
async function outage(s: NotifyingStore): Promise<void> {
  const t0 = vn("10:00:00");
  const down = (ts: number) => ts >= vn("10:20:00") && ts < vn("10:40:00");
  const agents = [s.agent("so-tttt", "pc-01"), s.agent("quan-hai-chau", "pc-01")];
  for (let t = t0; t < t0 + 60 * MIN; t += MIN) {
    for (const agent of agents)
      s.write(agent, schedule("portal", "website", t, t + MIN, 10 * SEC, down));
    await s.at(t + MIN);
  }
}

function summary(s: NotifyingStore, unit: string, now: number) {
  const readers = inspectionReaders({
    history: s.history,
    agents: { list: () => [] },
    clock: () => now,
  });
  return inspectionSummary(readers, unit, parsePeriod("2026-03") as Period);
}

describe("a 20-minute outage", () => {
  it("inside a one-off window: 100% available, 20 minutes of planned maintenance, nothing announced", async () => {
    store = notifyingStore(config([WINDOW]), [plannedMaintenance]);
    store.history.maintenance.syncConfig(store.config.maintenance, 0);
    await outage(store);
    const now = vn("11:04:00");
    await store.at(now);

    const planned = summary(store, "so-tttt", now);
    expect(planned.overall.availability).toBe(1);
    expect(planned.overall.downMs).toBe(0);
    expect(planned.maintenance).toMatchObject({
      count: 1,
      plannedMs: 20 * MIN,
      reasons: ["Nâng cấp máy chủ"],
    });
    const website = planned.categories.find((c) => c.category === "website");
    expect(website?.availability).toBe(1);
    expect(
      planned.incidents
        .filter((i) => i.kind === "check")
        .map((i) => [i.check, i.planned, i.downtimeMs]),
    ).toEqual([["portal", true, 0]]);

    // The same outage in the unit without a window is downtime, and is announced.
    const unplanned = summary(store, "quan-hai-chau", now);
    expect(unplanned.overall.availability).toBeLessThan(0.7);
    expect(unplanned.overall.downMs).toBe(20 * MIN);
    // The checks kept running in the window: coverage counts the planned time, as for the other unit.
    expect(planned.overall.coverage).toBe(unplanned.overall.coverage);
    expect(unplanned.maintenance.count).toBe(0);
    expect(
      unplanned.incidents
        .filter((i) => i.kind === "check")
        .map((i) => [i.check, i.planned, i.downtimeMs]),
    ).toEqual([["portal", false, 20 * MIN]]);

    // The unit page's status strip shows the window as its own state, the outage elsewhere as down.
    const readers = inspectionReaders({
      history: store.history,
      agents: { list: () => [] },
      clock: () => now,
    });
    const strip = (unit: string) =>
      categoryTimelines(readers, unit, vn("10:00:00"), vn("11:00:00"), 6)
        .get("website")
        ?.map((slot) => slot.state);
    expect(strip("so-tttt")).toEqual(["up", "up", "maintenance", "maintenance", "up", "up"]);
    expect(strip("quan-hai-chau")).toEqual(["up", "up", "down", "down", "up", "up"]);

    const messages = store.queued().map((m) => [m.message.unit?.id, m.message.kind]);
    expect(messages).toEqual([
      ["quan-hai-chau", "problem"],
      ["quan-hai-chau", "resolved"],
    ]);
    expect(
      store
        .events()
        .filter((e) => e.status === "suppressed")
        .map((e) => e.reason),
    ).toEqual(["maintenance: began in planned maintenance", "its beginning was not announced"]);
  });

  it("declared after its rollups were made: the figures are made again from the samples", async () => {
    store = notifyingStore(config([]), [plannedMaintenance]);
    await outage(store);
    const now = vn("11:04:00");
    await store.at(now);
    const before = summary(store, "so-tttt", now);
    expect(before.overall.downMs).toBe(20 * MIN);
    expect(before.overall.availability).toBeLessThan(0.7);

    // The operator adds the window to collector.yaml and restarts.
    store.history.maintenance.syncConfig([maintenanceWindowSchema.parse(WINDOW)], now);
    await store.at(now + MIN);
    const after = summary(store, "so-tttt", now + MIN);
    expect(after.overall.availability).toBe(1);
    expect(after.maintenance.plannedMs).toBe(20 * MIN);
    // Its incident began before the window was known: it stays as it was, announced.
    expect(after.incidents.filter((i) => i.kind === "check").map((i) => i.planned)).toEqual([
      false,
    ]);
  });
});

describe("an incident open before a window begins", () => {
  it("keeps its notifications: its end is announced", async () => {
    const late = { ...WINDOW, from: "2026-03-02T10:30:00+07:00", to: "2026-03-02T11:00:00+07:00" };
    store = notifyingStore(config([late]), [plannedMaintenance]);
    store.history.maintenance.syncConfig(store.config.maintenance, 0);
    await outage(store);
    await store.at(vn("11:04:00"));
    const own = store.queued().filter((m) => m.message.unit?.id === "so-tttt");
    expect(own.map((m) => m.message.kind)).toEqual(["problem", "resolved"]);
  });
});
