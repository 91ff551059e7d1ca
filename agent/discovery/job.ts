// One discovery run over a unit's own networks: a sweep (an ICMP echo to every address, a TCP
// connection to 443 and 80 where none comes back), SNMP for every host found, the addresses that
// routers' ARP tables and LLDP neighbours name inside the same networks, and the well-known TCP
// ports of hosts without SNMP. Every packet waits for one pacer; nothing is sent outside the
// networks asked for. Interrupted by the signal.
import { setMaxListeners } from "node:events";
import {
  type DiscoveredDevice,
  type DiscoveryProgress,
  type DiscoveryRequest,
  TCP_PORTS,
} from "../../shared/discovery.js";
import {
  contains,
  hostAddresses,
  ipv4ToNumber,
  type Network,
  parseNetwork,
} from "../../shared/networks.js";
import { identify, type SnmpFindings } from "./identify.js";
import { eachLimited, Pacer } from "./pacer.js";
import { answersPing, tcpPort } from "./reach.js";

/** Ports tried on an address that does not answer ping, to find hosts that drop ICMP. */
const SWEEP_PORTS = [443, 80] as const;

export interface DiscoveryOptions {
  signal: AbortSignal;
  /** Called as the sweep goes on, at most every address. */
  onProgress?: (progress: DiscoveryProgress) => void;
}

interface Found {
  address: string;
  foundBy: Set<DiscoveredDevice["foundBy"][number]>;
  openPorts: Set<number>;
  tried: Set<number>;
  mac?: string;
  snmp?: SnmpFindings;
}

export async function discover(
  request: DiscoveryRequest,
  options: DiscoveryOptions,
): Promise<DiscoveredDevice[]> {
  const networks = request.networks.map((text) => {
    const network = parseNetwork(text);
    if (typeof network === "string") throw new Error(`discovery: ${network}`);
    return network;
  });
  const inside = (address: string) => networks.some((n: Network) => contains(n, address));
  const { signal } = options;
  // Every probe in flight listens to the signal: more than Node's default of 10 at once.
  setMaxListeners(request.concurrency * 4 + 16, signal);
  const pacer = new Pacer(request.rate);
  const addresses = [...new Set(networks.flatMap(hostAddresses))];
  const found = new Map<string, Found>();
  const entry = (address: string) => {
    let known = found.get(address);
    if (!known) {
      known = { address, foundBy: new Set(), openPorts: new Set(), tried: new Set() };
      found.set(address, known);
    }
    return known;
  };
  const progress = { swept: 0, total: addresses.length };

  await eachLimited(addresses, request.concurrency, signal, async (address) => {
    if (await answersPing(address, pacer, signal)) {
      entry(address).foundBy.add("icmp");
    } else {
      for (const port of SWEEP_PORTS) {
        const state = await tcpPort(address, port, pacer, signal);
        if (state === "silent") continue;
        const host = entry(address);
        host.foundBy.add("tcp");
        host.tried.add(port);
        if (state === "open") host.openPorts.add(port);
        break;
      }
    }
    progress.swept++;
    options.onProgress?.({ ...progress });
  });

  // SNMP for every host; routers' ARP tables and LLDP neighbours may name hosts the sweep missed.
  const asked = new Set<string>();
  const askSnmp = async (addresses: string[]) => {
    const fresh = addresses.filter((a) => !asked.has(a));
    for (const a of fresh) asked.add(a);
    if (request.snmp.length === 0) return;
    await eachLimited(fresh, request.concurrency, signal, async (address) => {
      const snmp = await identify(address, request.port, request.snmp, pacer, signal);
      if (snmp) entry(address).snmp = snmp;
    });
  };
  await askSnmp([...found.keys()]);
  for (let round = 0; round < 3; round++) {
    const named: string[] = [];
    for (const host of [...found.values()]) {
      for (const [address, mac] of host.snmp?.arp ?? []) {
        if (!inside(address)) continue;
        const other = entry(address);
        other.foundBy.add("arp");
        if (mac) other.mac = mac;
        named.push(address);
      }
      for (const neighbour of host.snmp?.neighbours ?? []) {
        if (!neighbour.address || !inside(neighbour.address)) continue;
        entry(neighbour.address).foundBy.add("lldp");
        named.push(neighbour.address);
      }
    }
    if (named.every((a) => asked.has(a))) break;
    await askSnmp(named);
  }

  // The well-known ports of every host that does not speak SNMP.
  const plain = [...found.values()].filter((host) => !host.snmp);
  await eachLimited(plain, request.concurrency, signal, async (host) => {
    for (const port of TCP_PORTS) {
      if (host.tried.has(port)) continue;
      host.tried.add(port);
      if ((await tcpPort(host.address, port, pacer, signal)) === "open") host.openPorts.add(port);
    }
  });
  return [...found.values()]
    .sort((a, b) => (ipv4ToNumber(a.address) ?? 0) - (ipv4ToNumber(b.address) ?? 0))
    .map(device);
}

function device(host: Found): DiscoveredDevice {
  const out: DiscoveredDevice = {
    address: host.address,
    foundBy: [...host.foundBy].sort(),
    type: host.snmp?.type ?? "host",
  };
  const snmp = host.snmp;
  if (snmp) {
    out.snmpCredential = snmp.credential;
    for (const key of [
      "sysName",
      "sysDescr",
      "sysObjectID",
      "sysLocation",
      "model",
      "serial",
    ] as const) {
      const value = snmp[key];
      if (value !== undefined) out[key] = value;
    }
    if (snmp.ifNumber !== undefined) out.ifNumber = snmp.ifNumber;
    if (snmp.neighbours.length > 0) out.neighbours = snmp.neighbours;
  }
  if (host.mac) out.mac = host.mac;
  if (host.openPorts.size > 0) out.openPorts = [...host.openPorts].sort((a, b) => a - b);
  return out;
}
