// What discovery proposes: checks by type and open ports, and dependsOn edges from LLDP towards the
// core, else the gateway.
import { describe, expect, it } from "vitest";
import { proposals } from "../../../collector/discovery/proposals.js";
import type { DiscoveredDevice } from "../../../shared/discovery.js";

const devices: DiscoveredDevice[] = [
  { address: "10.0.0.1", foundBy: ["icmp"], type: "router", sysName: "gw", snmpCredential: 0 },
  {
    address: "10.0.0.2",
    foundBy: ["icmp"],
    type: "switch",
    sysName: "core sw",
    snmpCredential: 1,
    neighbours: [{ sysName: "gw", address: "10.0.0.1" }],
  },
  { address: "10.0.0.30", foundBy: ["icmp"], type: "ups", sysName: "ups-1", snmpCredential: 0 },
  { address: "10.0.0.40", foundBy: ["tcp"], type: "host", openPorts: [22, 443] },
];

describe("discovery's proposals", () => {
  it("propose checks by type and the edges towards the core and the gateway", () => {
    const byAddress = new Map(proposals(devices).map((p) => [p.address, p]));
    expect(byAddress.get("10.0.0.2")).toEqual({
      address: "10.0.0.2",
      name: "core-sw",
      checks: [
        { name: "core-sw", category: "lan", kind: "ping", host: "10.0.0.2" },
        { name: "core-sw-snmp", category: "lan", kind: "snmp", host: "10.0.0.2", credential: 1 },
      ],
      dependsOn: ["10.0.0.1"],
    });
    expect(byAddress.get("10.0.0.30")?.checks.map((c) => c.kind)).toEqual(["ping", "ups"]);
    expect(byAddress.get("10.0.0.40")?.checks).toEqual([
      { name: "host-10-0-0-40", category: "equipment", kind: "ping", host: "10.0.0.40" },
      {
        name: "host-10-0-0-40-https",
        category: "online_app",
        kind: "http",
        url: "https://10.0.0.40/",
      },
    ]);
    expect(byAddress.get("10.0.0.40")?.dependsOn).toEqual(["10.0.0.1"]);
    expect(byAddress.get("10.0.0.1")?.dependsOn).toEqual([]);
  });
});
