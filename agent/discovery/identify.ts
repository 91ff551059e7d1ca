// Who answers at an address over SNMP: the unit's credentials tried in order (the first that gets
// an answer is the device's), then its identity (SNMPv2-MIB, ENTITY-MIB), its type from the MIBs it
// answers, its LLDP neighbours and, for a router, its ARP table. No credential leaves this file:
// a result names only the place of the one that answered.
import type { DeviceType, Neighbour, SnmpCredential } from "../../shared/discovery.js";
import type { Credentials } from "../probes/snmp/session.js";
import { SnmpSession } from "../probes/snmp/session.js";
import {
  ARP_MEDIA,
  ARP_PHYSICAL,
  ENTITY,
  IDENTITY,
  LLDP_REMOTE,
  LLDP_REMOTE_ADDRESS,
  TYPE_MARKERS,
} from "./oids.js";
import type { Pacer } from "./pacer.js";
import {
  firstText,
  guessType,
  type Identity,
  parseArp,
  parseIdentity,
  parseLldp,
} from "./readings.js";

export interface SnmpFindings extends Identity {
  credential: number;
  type: DeviceType;
  model?: string;
  serial?: string;
  neighbours: Neighbour[];
  /** IPv4 address → MAC, read from a router's ARP table. */
  arp: Map<string, string>;
}

/** An unanswered request is retried once (two packets paced): a second is enough on a LAN. */
const REQUEST_TIMEOUT_MS = 500;

function toSession(credential: SnmpCredential): Credentials {
  if (credential.version !== "3")
    return { version: credential.version, community: credential.community };
  return { ...credential, version: "3" };
}

/** What the device at `address` says, or undefined when no credential gets an answer. */
export async function identify(
  address: string,
  port: number,
  credentials: readonly SnmpCredential[],
  pacer: Pacer,
  signal: AbortSignal,
): Promise<SnmpFindings | undefined> {
  for (const [index, credential] of credentials.entries()) {
    const session = new SnmpSession({ address, family: 4, port }, toSession(credential), {
      requestTimeout: REQUEST_TIMEOUT_MS,
    });
    const unwatch = session.watch(signal);
    try {
      await pacer.turn(signal, 2);
      const identity = parseIdentity(await session.get(Object.values(IDENTITY)).catch(() => []));
      if (identity.sysObjectID === undefined && identity.sysDescr === undefined) continue;
      return { ...identity, credential: index, ...(await details(session, pacer, signal)) };
    } finally {
      unwatch();
      await session.close();
    }
  }
  signal.throwIfAborted();
  return undefined;
}

async function details(session: SnmpSession, pacer: Pacer, signal: AbortSignal) {
  const next = async (oids: string[]) => {
    await pacer.turn(signal, 2);
    return session.getNext(oids).catch(() => []);
  };
  const walk = async (oid: string) => {
    await pacer.turn(signal, 2);
    return session.walk(oid).catch(() => []);
  };
  const type = guessType(await next(Object.values(TYPE_MARKERS)));
  const [model, serial] = await next([ENTITY.modelName, ENTITY.serialNum]);
  const lldp = {
    chassisId: await walk(LLDP_REMOTE.chassisId),
    portId: await walk(LLDP_REMOTE.portId),
    portDesc: [],
    sysName: await walk(LLDP_REMOTE.sysName),
  };
  const neighbours = parseLldp(lldp, await walk(LLDP_REMOTE_ADDRESS));
  const arp =
    type === "router" ? parseArp(await walk(ARP_MEDIA), await walk(ARP_PHYSICAL)) : new Map();
  const found: {
    type: DeviceType;
    model?: string;
    serial?: string;
    neighbours: Neighbour[];
    arp: Map<string, string>;
  } = { type, neighbours, arp };
  const modelText = model?.oid.startsWith(`${ENTITY.modelName}.`) ? firstText([model]) : undefined;
  if (modelText) found.model = modelText;
  const serialText = serial?.oid.startsWith(`${ENTITY.serialNum}.`)
    ? firstText([serial])
    : undefined;
  if (serialText) found.serial = serialText;
  return found;
}
