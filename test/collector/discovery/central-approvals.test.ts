// Approving a discovered device makes its proposed checks central checks of the unit, with the SNMP
// credential the device answered filled in from collector.yaml (never from the request), and sends
// them to the unit's agents; an approval that cannot be made changes nothing.
import { afterAll, describe, expect, it } from "vitest";
import { listCentralChecks } from "../../../collector/fleet/central-checks.js";
import { approvingDiscovery } from "../../helpers/discovery-approvals.js";
import { testStore, vn } from "../../helpers/store.js";

const COMMUNITY = "cong-dong-bi-mat";
const store = testStore({
  units: [
    {
      id: "so-tttt",
      name: "Sở Thông tin và Truyền thông",
      discovery: {
        networks: ["10.20.1.0/24"],
        snmp: [{ community: "wrong-one" }, { community: COMMUNITY }],
        port: 1161,
      },
    },
  ],
});
afterAll(() => store.close());
const agent = store.agent("so-tttt", "pc-01");
const NOW = vn("10:00:00", "2026-03-20");
const { discovery, pushed, runs } = approvingDiscovery(store, NOW);

const id = runs.start("so-tttt", agent.id, ["10.20.1.0/24"], "it-so", NOW - 60_000);
runs.report(
  agent.id,
  {
    type: "discovery",
    id,
    state: "done",
    progress: { swept: 254, total: 254 },
    devices: [
      {
        address: "10.20.1.30",
        foundBy: ["icmp"],
        type: "printer",
        sysName: "may-in-tang-2",
        snmpCredential: 1,
      },
    ],
  },
  NOW - 30_000,
);

describe("approving a discovered printer", () => {
  it("makes its checks central checks, with the credential it answered and the unit's SNMP port", async () => {
    discovery.decide("it-so", "so-tttt", "10.20.1.30", { decision: "approve" });
    const checks = listCentralChecks(store.db, "so-tttt").map((stored) => stored.check);
    expect(checks).toEqual([
      { name: "may-in-tang-2", category: "equipment", kind: "ping", host: "10.20.1.30" },
      {
        name: "may-in-tang-2-printer",
        category: "equipment",
        kind: "printer",
        host: "10.20.1.30",
        version: "2c",
        community: COMMUNITY,
        port: 1161,
      },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pushed).toEqual(["so-tttt"]);
  });

  it("refuses checks whose names the unit's central checks already have, and stores nothing of them", () => {
    expect(() =>
      discovery.decide("it-so", "so-tttt", "10.20.1.30", {
        decision: "approve",
        checks: [
          { name: "may-in-tang-moi", category: "equipment", kind: "ping", host: "10.20.1.30" },
          { name: "may-in-tang-2", category: "equipment", kind: "ping", host: "10.20.1.30" },
        ],
      }),
    ).toThrow(/already has a central check "may-in-tang-2"/);
    const names = listCentralChecks(store.db, "so-tttt").map((stored) => stored.check.name);
    expect(names).toEqual(["may-in-tang-2", "may-in-tang-2-printer"]);
  });
});
