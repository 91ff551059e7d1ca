// A unit's discovery schedule as the collector keeps it: due at its local time in Vietnam, once per
// time however long the agent was away or the collector down, never twice across a restart, and a
// schedule new or changed in collector.yaml waits for its next time instead of running at once. A
// schedule naming a network the unit does not own is refused with the path to it.
import { afterAll, describe, expect, it } from "vitest";
import { lastDue, nextDue } from "../../../collector/discovery/schedule.js";
import { DiscoveryScheduler } from "../../../collector/discovery/scheduler.js";
import { Discovery } from "../../../collector/discovery/service.js";
import { collectorConfigSchema, type UnitConfig } from "../../../shared/config/collector.js";
import type { DiscoverySchedule } from "../../../shared/config/discovery.js";
import { validate } from "../../../shared/config/load.js";
import { errorMessage } from "../../../shared/errors.js";
import { silentLogger } from "../../../shared/log.js";
import { testStore, vn } from "../../helpers/store.js";

const daily: DiscoverySchedule = { every: "daily", at: "02:00" };

describe("a discovery schedule's times", () => {
  it("are its local times in Vietnam: daily, weekly on its days, monthly on its day", () => {
    // 2026-12-06 is a Sunday.
    expect(nextDue(daily, vn("01:59:59", "2026-12-06"))).toBe(vn("02:00:00", "2026-12-06"));
    expect(nextDue(daily, vn("02:00:00", "2026-12-06"))).toBe(vn("02:00:00", "2026-12-07"));
    expect(lastDue(daily, vn("02:00:00", "2026-12-06"))).toBe(vn("02:00:00", "2026-12-06"));
    expect(lastDue(daily, vn("01:59:59", "2026-12-06"))).toBe(vn("02:00:00", "2026-12-05"));
    const weekly: DiscoverySchedule = { every: "weekly", at: "23:30", days: ["sun", "wed"] };
    expect(nextDue(weekly, vn("23:30:00", "2026-12-06"))).toBe(vn("23:30:00", "2026-12-09"));
    expect(lastDue(weekly, vn("12:00:00", "2026-12-08"))).toBe(vn("23:30:00", "2026-12-06"));
    const monthly: DiscoverySchedule = { every: "monthly", at: "03:00", day: 1 };
    expect(nextDue(monthly, vn("03:00:00", "2026-12-01"))).toBe(vn("03:00:00", "2027-01-01"));
    expect(lastDue(monthly, vn("02:00:00", "2027-01-01"))).toBe(vn("03:00:00", "2026-12-01"));
  });
});

describe("units[].discovery.schedule in collector.yaml", () => {
  /** What an operator reads: "" when the file is taken. */
  const problem = (schedule: unknown) => {
    try {
      validate("collector.yaml", collectorConfigSchema, {
        units: [
          { id: "so-tttt" },
          { id: "quan-hai-chau", discovery: { networks: ["10.20.1.0/24"], schedule } },
        ],
      });
      return "";
    } catch (error) {
      return errorMessage(error);
    }
  };

  it("takes a network of the unit's or one inside it", () => {
    expect(problem({ ...daily, networks: ["10.20.1.0/24"] })).toBe("");
    expect(problem({ ...daily, networks: ["10.20.1.128/25"] })).toBe("");
  });

  it("refuses a network the unit does not own, naming it and what to do", () => {
    expect(problem({ ...daily, networks: ["10.20.1.0/24", "10.9.9.0/24"] })).toBe(
      "collector.yaml: units[1].discovery.schedule.networks[1]: 10.9.9.0/24 is not among the unit's networks (10.20.1.0/24): add it to discovery.networks if the unit owns it, or take it out of the schedule",
    );
  });

  it("refuses a weekly schedule without days and a day in a monthly one not every month has", () => {
    expect(problem({ every: "weekly", at: "02:00" })).toBe(
      'collector.yaml: units[1].discovery.schedule.days: every: weekly needs days, e.g. days: ["sun"]',
    );
    expect(problem({ every: "monthly", at: "02:00", day: 31 })).toBe(
      "collector.yaml: units[1].discovery.schedule.day: at most 28, a day every month has",
    );
  });
});

describe("the discovery scheduler", () => {
  const store = testStore();
  afterAll(() => store.close());
  let now = vn("10:00:00", "2026-12-06");
  let agentOnline = false;
  let running = false;
  const started: { unit: string; networks: readonly string[] | undefined; at: number }[] = [];
  let units: UnitConfig[] = collectorConfigSchema.parse({
    units: [
      {
        id: "so-tttt",
        discovery: {
          networks: ["10.20.1.0/24"],
          schedule: { ...daily, networks: ["10.20.1.0/25"] },
        },
      },
      { id: "quan-hai-chau", discovery: { networks: ["10.30.1.0/24"] } },
    ],
  }).units;
  const scheduler = () =>
    new DiscoveryScheduler(
      store.db,
      () => units,
      {
        start: (unit, networks) => {
          if (!agentOnline) return undefined;
          started.push({ unit, networks, at: now });
          return started.length;
        },
        running: () => running,
      },
      () => now,
      silentLogger(),
    );
  let current = scheduler();

  it("waits for the next time of a schedule it has not seen before", () => {
    agentOnline = true;
    current.tick();
    expect(started).toEqual([]);
    expect(current.next("so-tttt")).toMatchObject({
      at: vn("02:00:00", "2026-12-07"),
      waiting: false,
    });
    expect(current.next("quan-hai-chau")).toBeUndefined();
  });

  it("starts the run at its time, of the networks it names, once", () => {
    now = vn("02:00:04", "2026-12-07");
    current.tick();
    current.tick();
    expect(started).toEqual([{ unit: "so-tttt", networks: ["10.20.1.0/25"], at: now }]);
    expect(current.next("so-tttt")?.at).toBe(vn("02:00:00", "2026-12-08"));
  });

  it("does not run it again after a restart", () => {
    current = scheduler();
    now = vn("03:00:00", "2026-12-07");
    current.tick();
    expect(started).toHaveLength(1);
  });

  it("starts one run when the agent connects after several times passed without one", () => {
    agentOnline = false;
    now = vn("09:00:00", "2026-12-10");
    current = scheduler();
    current.tick();
    expect(started).toHaveLength(1);
    expect(current.next("so-tttt")).toMatchObject({
      at: vn("02:00:00", "2026-12-10"),
      waiting: true,
    });
    agentOnline = true;
    running = true;
    current.tick(["so-tttt"]);
    expect(started).toHaveLength(1);
    running = false;
    current.tick(["so-tttt"]);
    current.tick();
    expect(started.map((s) => s.at)).toEqual([vn("02:00:04", "2026-12-07"), now]);
    expect(current.next("so-tttt")).toMatchObject({
      at: vn("02:00:00", "2026-12-11"),
      waiting: false,
    });
  });

  it("waits for the next time of a changed schedule", () => {
    units = collectorConfigSchema.parse({
      units: [
        {
          id: "so-tttt",
          discovery: { networks: ["10.20.1.0/24"], schedule: { every: "daily", at: "08:00" } },
        },
      ],
    }).units;
    now = vn("09:00:00", "2026-12-11");
    current.tick();
    expect(started).toHaveLength(2);
    now = vn("08:00:01", "2026-12-12");
    current.tick();
    expect(started.at(-1)).toEqual({ unit: "so-tttt", networks: undefined, at: now });
  });
});

describe("a scheduled run after a run whose agent went away", () => {
  const store = testStore();
  const gone = store.agent("so-tttt", "pc-old");
  const fresh = store.agent("so-tttt", "pc-new");
  let now = vn("01:00:00", "2026-12-07");
  const connected = new Set([gone.id]);
  const units = collectorConfigSchema.parse({
    units: [{ id: "so-tttt", discovery: { networks: ["10.20.1.0/24"], schedule: daily } }],
  }).units;
  const discovery = new Discovery(
    store.db,
    () => units,
    {
      discoveryAgent: () => {
        const id = [...connected].at(-1);
        const agent = [gone, fresh].find((a) => a.id === id);
        return agent && { agent, discover: () => true };
      },
      isConnected: (id) => connected.has(id),
    },
    silentLogger(),
    { clock: () => now, scheduleClock: () => now },
  );
  afterAll(() => {
    discovery.close();
    store.close();
  });

  it("is not held up by it: the run starts on the unit's agent connected now", () => {
    discovery.scheduler.tick();
    const manual = discovery.request("it-so", "so-tttt", undefined).id;
    // The agent running it is replaced and never comes back; its run still reads running.
    connected.delete(gone.id);
    connected.add(fresh.id);
    now = vn("02:00:01", "2026-12-07");
    discovery.scheduler.tick();
    const latest = discovery.store.latest("so-tttt");
    expect(latest?.id).not.toBe(manual);
    expect(discovery.store.get(latest?.id ?? 0)).toMatchObject({
      agentId: fresh.id,
      state: "running",
    });
  });
});
