// What discovery runs found, kept per unit: a device first found is new, one whose identity differs
// from the run before is changed, one the newest run did not find is gone; the summary of the
// period says how many came and went on the LAN, in the leaders' words, and leaves ignored ones out.
import { afterAll, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import { DiscoveryStore } from "../../../collector/discovery/store.js";
import { createApi } from "../../../collector/http/api/router.js";
import { sayFinding } from "../../../collector/http/pages/findings.js";
import { Formatter } from "../../../collector/http/pages/i18n/index.js";
import type { Finding } from "../../../collector/inspection/findings.js";
import type { DiscoveredDevice } from "../../../shared/discovery.js";
import { testStore, vn } from "../../helpers/store.js";

const store = testStore();
afterAll(() => store.close());
const agent = store.agent("so-tttt", "pc-01");
const runs = new DiscoveryStore(store.db);
const NOW = vn("11:00:00", "2026-03-20");

const host = (address: string, more: Partial<DiscoveredDevice> = {}): DiscoveredDevice => ({
  address,
  foundBy: ["icmp"],
  type: "host",
  ...more,
});

function run(at: number, devices: DiscoveredDevice[]): number {
  const id = runs.start("so-tttt", agent.id, ["10.20.1.0/24"], "it-so", at);
  const progress = { swept: 254, total: 254 };
  expect(
    runs.report(agent.id, { type: "discovery", id, state: "done", progress, devices }, at),
  ).toBe(true);
  return id;
}

// February: a switch, a printer and two PCs. 10 March: a PC gone, the printer replaced, a new NAS.
run(vn("09:00:00", "2026-02-10"), [
  host("10.20.1.2", { type: "switch", sysName: "core-sw" }),
  host("10.20.1.30", { type: "printer", sysName: "hp-1", serial: "CN01" }),
  host("10.20.1.50"),
  host("10.20.1.51"),
]);
run(vn("09:00:00", "2026-03-10"), [
  host("10.20.1.2", { type: "switch", sysName: "core-sw" }),
  host("10.20.1.30", { type: "printer", sysName: "hp-2", serial: "CN02" }),
  host("10.20.1.50"),
  host("10.20.1.60", { openPorts: [443] }),
]);

describe("devices found by discovery", () => {
  it("are new, changed, seen or gone as of the newest run", () => {
    const status = Object.fromEntries(
      runs.devices("so-tttt").map((d) => [d.device.address, d.status]),
    );
    expect(status).toEqual({
      "10.20.1.2": "seen",
      "10.20.1.30": "changed",
      "10.20.1.50": "seen",
      "10.20.1.51": "gone",
      "10.20.1.60": "new",
    });
  });

  it("ignores a report of a run that is over, or of another agent", () => {
    const other = store.agent("so-tttt", "pc-02");
    const id = runs.start("so-tttt", agent.id, ["10.20.1.0/24"], "it-so", NOW);
    const report = {
      type: "discovery" as const,
      id,
      state: "done" as const,
      progress: { swept: 1, total: 1 },
      devices: [],
    };
    expect(runs.report(other.id, report, NOW)).toBe(false);
    runs.fail(id, "stopped", NOW);
    expect(runs.report(agent.id, report, NOW)).toBe(false);
  });

  it("give the summary its line of devices new and gone on the LAN", () => {
    const api = createApi({
      history: store.history,
      agents: new AgentStore(store.db),
      clock: () => NOW,
    });
    const body = api(new URL("http://collector/api/v1/units/so-tttt/summary?period=2026-03"))
      .body as {
      findings: Finding[];
    };
    const lan = body.findings.find((f) => f.code === "lan_devices") as Finding;
    // March: the NAS appeared; the PC seen in February was missed by March's run.
    expect(lan).toEqual({
      code: "lan_devices",
      severity: "info",
      params: { appeared: 1, gone: 1 },
    });
    expect(sayFinding(Formatter.of("en"), lan)).toBe(
      "1 new device(s) on the LAN in the period, 1 gone (from the discovery runs).",
    );
    const february = api(new URL("http://collector/api/v1/units/so-tttt/summary?period=2026-02"))
      .body as {
      findings: Finding[];
    };
    // February's run was the unit's first: it found what was already there, nothing new to say.
    expect(february.findings.find((f) => f.code === "lan_devices")).toBeUndefined();
  });

  it("join the unit's inventory beside the agents' own, first and last seen, gone marked", () => {
    const api = createApi({
      history: store.history,
      agents: new AgentStore(store.db),
      clock: () => NOW,
    });
    const body = api(new URL("http://collector/api/v1/inventory?unit=so-tttt")).body as {
      lanDevices: unknown[];
    };
    const feb = vn("09:00:00", "2026-02-10");
    const mar = vn("09:00:00", "2026-03-10");
    expect(body.lanDevices).toEqual([
      {
        unit: "so-tttt",
        address: "10.20.1.2",
        type: "switch",
        sysName: "core-sw",
        firstSeen: feb,
        lastSeen: mar,
        gone: false,
      },
      {
        unit: "so-tttt",
        address: "10.20.1.30",
        type: "printer",
        sysName: "hp-2",
        serial: "CN02",
        firstSeen: feb,
        lastSeen: mar,
        gone: false,
      },
      {
        unit: "so-tttt",
        address: "10.20.1.50",
        type: "host",
        firstSeen: feb,
        lastSeen: mar,
        gone: false,
      },
      {
        unit: "so-tttt",
        address: "10.20.1.51",
        type: "host",
        firstSeen: feb,
        lastSeen: feb,
        gone: true,
      },
      {
        unit: "so-tttt",
        address: "10.20.1.60",
        type: "host",
        firstSeen: mar,
        lastSeen: mar,
        gone: false,
      },
    ]);
    // They belong to no agent and no check kind: a filter on either leaves them out.
    const hosts = api(new URL("http://collector/api/v1/inventory?unit=so-tttt&kind=host")).body as {
      lanDevices: unknown[];
    };
    expect(hosts.lanDevices).toEqual([]);
    // An ignored device is left out, as from the summary's count.
    expect(runs.decide("so-tttt", "10.20.1.51", "ignored", null, "it-so", NOW)).toBe(true);
    const after = api(new URL("http://collector/api/v1/inventory?unit=so-tttt")).body as {
      lanDevices: { address: string }[];
    };
    expect(after.lanDevices.map((d) => d.address)).not.toContain("10.20.1.51");
  });

  it("count a device gone only once a run that looked at its network missed it", () => {
    const hc = store.agent("quan-hai-chau", "pc-01");
    const sweep = (at: number, networks: string[], devices: DiscoveredDevice[]) => {
      const id = runs.start("quan-hai-chau", hc.id, networks, "schedule", at);
      const progress = { swept: 1, total: 1 };
      runs.report(hc.id, { type: "discovery", id, state: "done", progress, devices }, at);
    };
    const both = ["10.30.1.0/24", "10.30.2.0/24"];
    sweep(vn("02:00:00", "2026-04-01"), both, [host("10.30.1.5"), host("10.30.2.5")]);
    // A scheduled run of the first network only: the second's device was not looked for.
    sweep(vn("02:00:00", "2026-04-02"), ["10.30.1.0/24"], [host("10.30.1.5")]);
    const api = createApi({
      history: store.history,
      agents: new AgentStore(store.db),
      clock: () => vn("12:00:00", "2026-04-20"),
    });
    const read = () => ({
      status: runs.devices("quan-hai-chau").map((d) => [d.device.address, d.status]),
      gone: (
        api(new URL("http://collector/api/v1/inventory?unit=quan-hai-chau")).body as {
          lanDevices: { address: string; gone: boolean }[];
        }
      ).lanDevices.map((d) => [d.address, d.gone]),
      summary: (
        api(new URL("http://collector/api/v1/units/quan-hai-chau/summary?period=2026-04")).body as {
          findings: Finding[];
        }
      ).findings.find((f) => f.code === "lan_devices")?.params,
    });
    expect(read()).toEqual({
      status: [
        ["10.30.1.5", "seen"],
        ["10.30.2.5", "new"],
      ],
      gone: [
        ["10.30.1.5", false],
        ["10.30.2.5", false],
      ],
      // The first run of the networks found what was there: none of it new on the LAN.
      summary: undefined,
    });
    // A run of the second network that misses it: now it is gone.
    sweep(vn("02:00:00", "2026-04-03"), ["10.30.2.0/24"], [host("10.30.2.9")]);
    expect(read()).toEqual({
      status: [
        ["10.30.1.5", "seen"],
        ["10.30.2.5", "gone"],
        ["10.30.2.9", "new"],
      ],
      gone: [
        ["10.30.1.5", false],
        ["10.30.2.5", true],
        ["10.30.2.9", false],
      ],
      summary: { appeared: 1, gone: 1 },
    });
  });
});
