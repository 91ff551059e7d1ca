// The parents discovery proposes become dependsOn of the approved checks: a device approved after
// its parent depends on the parent's ping check (else its first), a parent approved after its
// children is added to theirs (audited and pushed), and a dependsOn a person gave is kept.
import { afterAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { listCentralChecks, replaceApiChecks } from "../../../collector/fleet/central-checks.js";
import { approvingDiscovery } from "../../helpers/discovery-approvals.js";
import { testStore, vn } from "../../helpers/store.js";

const store = testStore({
  units: [{ id: "so-gd", name: "Sở Giáo dục", discovery: { networks: ["10.30.1.0/24"] } }],
});
afterAll(() => store.close());
const agent = store.agent("so-gd", "pc-01");
const NOW = vn("10:00:00", "2026-03-20");
const { discovery, pushed, runs } = approvingDiscovery(store, NOW);

// A router (the gateway), a switch behind it over LLDP, a printer behind the switch, two hosts
// and a UPS with no neighbour (behind the gateway).
const id = runs.start("so-gd", agent.id, ["10.30.1.0/24"], "it-gd", NOW - 60_000);
runs.report(
  agent.id,
  {
    type: "discovery",
    id,
    state: "done",
    progress: { swept: 254, total: 254 },
    devices: [
      { address: "10.30.1.1", foundBy: ["icmp"], type: "router", sysName: "gw" },
      {
        address: "10.30.1.2",
        foundBy: ["icmp"],
        type: "switch",
        sysName: "core-sw",
        neighbours: [{ sysName: "gw" }],
      },
      {
        address: "10.30.1.30",
        foundBy: ["icmp"],
        type: "printer",
        sysName: "may-in",
        neighbours: [{ sysName: "core-sw" }],
      },
      { address: "10.30.1.40", foundBy: ["icmp"], type: "host", sysName: "may-chu" },
      { address: "10.30.1.41", foundBy: ["icmp"], type: "host", sysName: "may-tram" },
      { address: "10.30.1.42", foundBy: ["icmp"], type: "ups", sysName: "ups-tu-mang" },
      { address: "10.30.1.43", foundBy: ["icmp"], type: "host", sysName: "may-quet" },
    ],
  },
  NOW - 30_000,
);

const dependsOn = () =>
  Object.fromEntries(
    listCentralChecks(store.db, "so-gd").map((s) => [s.check.name, s.check.dependsOn]),
  );

describe("dependsOn from the proposed parents", () => {
  it("gives a device approved before its parent no dependsOn", () => {
    const view = discovery.decide("it-gd", "so-gd", "10.30.1.30", { decision: "approve" });
    expect(view.proposal.dependsOn).toEqual(["10.30.1.2"]);
    expect(dependsOn()).toEqual({ "may-in": undefined });
  });

  it("keeps a dependsOn the person gave", () => {
    discovery.decide("it-gd", "so-gd", "10.30.1.40", {
      decision: "approve",
      checks: [
        {
          name: "may-chu",
          category: "equipment",
          kind: "ping",
          host: "10.30.1.40",
          dependsOn: ["may-in"],
        },
      ],
    });
    expect(dependsOn()["may-chu"]).toEqual(["may-in"]);
  });

  it("adds a parent approved later to its children's checks, audited and pushed", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    pushed.length = 0;
    // The switch without a ping check: its children depend on its first approved check.
    discovery.decide("it-gd", "so-gd", "10.30.1.2", {
      decision: "approve",
      checks: [
        { name: "core-sw-http", category: "lan", kind: "http", url: "http://10.30.1.2/" },
        { name: "core-sw-web", category: "lan", kind: "http", url: "https://10.30.1.2/" },
      ],
    });
    expect(dependsOn()).toEqual({
      "may-in": ["core-sw-http"],
      "may-chu": ["may-in"],
      "core-sw-http": undefined,
      "core-sw-web": undefined,
    });
    const entry = listAudit(store.db).find((row) => row.action === "central.update");
    expect(entry).toMatchObject({
      actor: "it-gd",
      unit: "so-gd",
      detail: { checks: ["may-in (ping)"], dependsOn: "core-sw-http" },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(pushed).toEqual(["so-gd"]);
  });

  it("gives the gateway's children its ping check, but not a check with the person's dependsOn", () => {
    // The person says the gateway hangs on the UPS that feeds it, not yet approved.
    discovery.decide("it-gd", "so-gd", "10.30.1.1", {
      decision: "approve",
      checks: [
        {
          name: "gw",
          category: "lan",
          kind: "ping",
          host: "10.30.1.1",
          dependsOn: ["ups-tu-mang"],
        },
      ],
    });
    expect(dependsOn()).toEqual({
      "may-in": ["core-sw-http"],
      "may-chu": ["may-in"],
      "core-sw-http": ["gw"],
      "core-sw-web": ["gw"],
      gw: ["ups-tu-mang"],
    });
  });

  it("makes the checks of a device approved after its parent depend on it at once", () => {
    discovery.decide("it-gd", "so-gd", "10.30.1.41", { decision: "approve" });
    expect(dependsOn()["may-tram"]).toEqual(["gw"]);
  });

  it("gives a device the gateway depends on no dependsOn on the gateway: the agent would refuse the cycle", () => {
    const view = discovery.decide("it-gd", "so-gd", "10.30.1.42", { decision: "approve" });
    expect(view.proposal.dependsOn).toEqual(["10.30.1.1"]);
    expect(dependsOn()["ups-tu-mang"]).toBeUndefined();
  });

  it("gives no dependsOn on a parent's check a person has since removed", () => {
    const kept = listCentralChecks(store.db, "so-gd")
      .filter((s) => s.source === "api" && s.check.name !== "gw")
      .map((s) => s.check);
    replaceApiChecks(store.db, "so-gd", kept, "it-gd", NOW);
    discovery.decide("it-gd", "so-gd", "10.30.1.43", { decision: "approve" });
    expect(dependsOn()["may-quet"]).toBeUndefined();
  });
});
