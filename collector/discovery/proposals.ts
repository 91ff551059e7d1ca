// What discovery proposes for each device it found: a check set (ping; SNMP interfaces for
// switches, routers and hosts that answer SNMP; the printer's or UPS's own check; HTTP(S) for a web
// server) and the devices it depends on (its LLDP neighbour towards the core, else the gateway).
// Pure: the credentials stay in collector.yaml, a proposal names only their place in its list.
import type { DiscoveredDevice } from "../../shared/discovery.js";
import { CHECK_NAME } from "../../shared/protocol.js";

export interface ProposedCheck {
  name: string;
  category: "lan" | "equipment" | "online_app";
  kind: "ping" | "snmp" | "printer" | "ups" | "http";
  host?: string;
  url?: string;
  /** The place in the unit's SNMP credential list of the one the device answered. */
  credential?: number;
  /** Names of the checks it depends on, when the person approving it gave them. */
  dependsOn?: string[];
}

export interface Proposal {
  address: string;
  name: string;
  checks: ProposedCheck[];
  /** Addresses of the devices this one depends on. */
  dependsOn: string[];
}

/** A check name from the device's sysName, else its type and address: "core-sw", "host-10-20-1-7". */
export function deviceName(device: DiscoveredDevice): string {
  const fromSysName = (device.sysName ?? "")
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 48);
  const name = fromSysName || `${device.type}-${device.address.replaceAll(".", "-")}`;
  return CHECK_NAME.test(name) ? name : `device-${device.address.replaceAll(".", "-")}`;
}

export function proposeChecks(device: DiscoveredDevice): ProposedCheck[] {
  const name = deviceName(device);
  const network = device.type === "switch" || device.type === "router";
  const checks: ProposedCheck[] = [
    { name, category: network ? "lan" : "equipment", kind: "ping", host: device.address },
  ];
  const credential = device.snmpCredential;
  if (credential !== undefined) {
    const own = { host: device.address, credential };
    if (device.type === "printer")
      checks.push({ name: `${name}-printer`, category: "equipment", kind: "printer", ...own });
    else if (device.type === "ups")
      checks.push({ name: `${name}-ups`, category: "equipment", kind: "ups", ...own });
    else
      checks.push({
        name: `${name}-snmp`,
        category: network ? "lan" : "equipment",
        kind: "snmp",
        ...own,
      });
  }
  const ports = device.openPorts ?? [];
  if (ports.includes(443)) {
    checks.push({
      name: `${name}-https`,
      category: "online_app",
      kind: "http",
      url: `https://${device.address}/`,
    });
  } else if (ports.includes(80)) {
    checks.push({
      name: `${name}-http`,
      category: "online_app",
      kind: "http",
      url: `http://${device.address}/`,
    });
  }
  return checks;
}

/**
 * Who depends on whom: a device depends on an LLDP neighbour that is a router, or a switch when it
 * is no router itself; a device with no such neighbour depends on the gateway (the router found),
 * which depends on nothing.
 */
export function proposeParents(devices: readonly DiscoveredDevice[]): Map<string, string[]> {
  const byName = new Map<string, DiscoveredDevice>();
  const byAddress = new Map(devices.map((d) => [d.address, d]));
  for (const device of devices) if (device.sysName) byName.set(device.sysName, device);
  const gateway = devices.find((d) => d.type === "router");
  const parents = new Map<string, string[]>();
  const rank = { router: 2, switch: 1, printer: 0, ups: 0, host: 0 } as const;
  for (const device of devices) {
    const near = new Set<string>();
    for (const neighbour of device.neighbours ?? []) {
      const other =
        (neighbour.address && byAddress.get(neighbour.address)) ||
        (neighbour.sysName && byName.get(neighbour.sysName)) ||
        undefined;
      if (other && rank[other.type] > rank[device.type]) near.add(other.address);
    }
    // An edge is seen from both ends: a router also learns its switch as a neighbour.
    for (const other of devices) {
      if (rank[other.type] <= rank[device.type]) continue;
      const seesDevice = (other.neighbours ?? []).some(
        (n) => n.address === device.address || (device.sysName && n.sysName === device.sysName),
      );
      if (seesDevice) near.add(other.address);
    }
    if (near.size === 0 && gateway && gateway.address !== device.address) near.add(gateway.address);
    parents.set(device.address, [...near].sort());
  }
  return parents;
}

export function proposals(devices: readonly DiscoveredDevice[]): Proposal[] {
  const parents = proposeParents(devices);
  return devices.map((device) => ({
    address: device.address,
    name: deviceName(device),
    checks: proposeChecks(device),
    dependsOn: parents.get(device.address) ?? [],
  }));
}
