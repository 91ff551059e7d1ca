// Pure reading of SNMP answers for the snmp probe: varbind values, the system group, the IF-MIB
// interface table, and the library's errors turned into check reasons. No I/O here.
import { METRICS } from "../../../shared/metrics.js";
import type { ProbeSample } from "../probe.js";

/** One answered OID, as net-snmp gives it; `type` is the BER tag of RFC 3416 section 3. */
export interface Varbind {
  oid: string;
  type: number;
  value: unknown;
}

/** BER tags of the SNMP types (RFC 3416 section 3, RFC 2578 section 7.1). */
export const TYPE = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

/** The system group of SNMPv2-MIB (RFC 3418), every object mandatory. */
export const SYSTEM = {
  descr: "1.3.6.1.2.1.1.1.0",
  objectId: "1.3.6.1.2.1.1.2.0",
  upTime: "1.3.6.1.2.1.1.3.0",
  contact: "1.3.6.1.2.1.1.4.0",
  name: "1.3.6.1.2.1.1.5.0",
  location: "1.3.6.1.2.1.1.6.0",
} as const;

/** ifNumber (IF-MIB, RFC 2863): rows in ifTable, so a walk of it can ask for just that many. */
export const IF_NUMBER = "1.3.6.1.2.1.2.1.0";

/** Columns of ifTable (1.3.6.1.2.1.2.2) and ifXTable (1.3.6.1.2.1.31.1.1) used, from IF-MIB (RFC 2863). */
export const IF_COLUMNS = {
  descr: "1.3.6.1.2.1.2.2.1.2",
  speed: "1.3.6.1.2.1.2.2.1.5",
  operStatus: "1.3.6.1.2.1.2.2.1.8",
  inOctets: "1.3.6.1.2.1.2.2.1.10",
  inErrors: "1.3.6.1.2.1.2.2.1.14",
  outOctets: "1.3.6.1.2.1.2.2.1.16",
  outErrors: "1.3.6.1.2.1.2.2.1.20",
  name: "1.3.6.1.2.1.31.1.1.1.1",
  hcInOctets: "1.3.6.1.2.1.31.1.1.1.6",
  hcOutOctets: "1.3.6.1.2.1.31.1.1.1.10",
  highSpeed: "1.3.6.1.2.1.31.1.1.1.15",
} as const;
export type IfColumn = keyof typeof IF_COLUMNS;
/** The varbinds of each walked column. */
export type IfWalk = Partial<Record<IfColumn, readonly Varbind[]>>;

/** ifOperStatus values, RFC 2863 section 6. */
const OPER_STATUS = [
  "",
  "up",
  "down",
  "testing",
  "unknown",
  "dormant",
  "notPresent",
  "lowerLayerDown",
];
/** ifSpeed's largest value: the speed is then in ifHighSpeed (RFC 2863, ifSpeed DESCRIPTION). */
const IF_SPEED_MAX = 4_294_967_295;

export function isVarbindError(varbind: Varbind): boolean {
  return varbind.type >= TYPE.NoSuchObject;
}

/**
 * A Counter64 as net-snmp gives it: the big-endian bytes of the BER content (1 to 9 bytes, a
 * leading zero when the top bit is set). JavaScript numbers hold integers exactly up to 2^53, so a
 * counter past 9 PB loses its lowest bits; rates computed from it stay right to 1 part in 2^53.
 */
export function counter64(bytes: Uint8Array): number | undefined {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  if (bytes.length === 0 || bytes.length - start > 8) return undefined;
  let value = 0n;
  for (let i = start; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i] as number);
  return Number(value);
}

const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;

/** The number a varbind holds; text that is a plain decimal counts (many UPS and sensor MIBs). */
export function numericValue(varbind: Varbind | undefined): number | undefined {
  if (!varbind || isVarbindError(varbind)) return undefined;
  const { type, value } = varbind;
  switch (type) {
    case TYPE.Integer:
    case TYPE.Counter32:
    case TYPE.Gauge32:
    case TYPE.TimeTicks:
      return typeof value === "number" ? value : undefined;
    case TYPE.Counter64:
      return value instanceof Uint8Array ? counter64(value) : undefined;
    case TYPE.OctetString: {
      const text = textValue(varbind);
      return text !== undefined && DECIMAL.test(text) ? Number(text) : undefined;
    }
    default:
      return undefined;
  }
}

/** Text of a DisplayString/OID/number; NULs some devices put at the end of ifDescr are dropped. */
export function textValue(varbind: Varbind | undefined): string | undefined {
  if (!varbind || isVarbindError(varbind)) return undefined;
  const { value } = varbind;
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString("utf8").replace(/\0+$/, "").trim();
  }
  if (typeof value === "string" || typeof value === "number") return String(value);
  return undefined;
}

export interface SystemInfo {
  descr?: string;
  objectId?: string;
  /** sysUpTime in seconds: time since the SNMP agent (not always the device) started. */
  upTimeSeconds?: number;
  contact?: string;
  name?: string;
  location?: string;
}

/** The system group from the answer to a get of SYSTEM's OIDs (in any order). */
export function parseSystem(varbinds: readonly Varbind[]): SystemInfo {
  const byOid = new Map(varbinds.map((v) => [v.oid, v]));
  const ticks = numericValue(byOid.get(SYSTEM.upTime));
  const info: SystemInfo = {
    descr: textValue(byOid.get(SYSTEM.descr)),
    objectId: textValue(byOid.get(SYSTEM.objectId)),
    // TimeTicks are hundredths of a second (RFC 2578 section 7.1.8).
    upTimeSeconds: ticks === undefined ? undefined : ticks / 100,
    contact: textValue(byOid.get(SYSTEM.contact)),
    name: textValue(byOid.get(SYSTEM.name)),
    location: textValue(byOid.get(SYSTEM.location)),
  };
  return Object.fromEntries(
    Object.entries(info).filter(([, v]) => v !== undefined && v !== ""),
  ) as SystemInfo;
}

export interface Interface {
  index: string;
  /** ifName, else ifDescr, else "if<index>". */
  name: string;
  descr?: string;
  /** ifOperStatus as its MIB name ("up", "down", "lowerLayerDown", ...). */
  status?: string;
  receiveBytes?: number;
  transmitBytes?: number;
  /** 64 when the octet counters come from ifHCIn/OutOctets, 32 for the ifIn/OutOctets fallback. */
  counterBits?: 64 | 32;
  receiveErrors?: number;
  transmitErrors?: number;
  speedBytes?: number;
}

/** Rows of one walked column keyed by the index after the column OID (an ifIndex, a marker's index). */
export function rows(
  varbinds: readonly Varbind[] | undefined,
  column: string,
): Map<string, Varbind> {
  const out = new Map<string, Varbind>();
  const prefix = `${column}.`;
  for (const varbind of varbinds ?? []) {
    if (!varbind.oid.startsWith(prefix) || isVarbindError(varbind)) continue;
    out.set(varbind.oid.slice(prefix.length), varbind);
  }
  return out;
}

/** ifIndex values of ifTable, the table every interface has a row in; numeric order. */
function indexes(cols: Record<IfColumn, Map<string, Varbind>>): string[] {
  const all = new Set<string>();
  for (const column of ["descr", "speed", "operStatus", "inOctets", "outOctets"] as const) {
    for (const index of cols[column].keys()) all.add(index);
  }
  return [...all].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

/**
 * True when some interface lacks a 64-bit counter pair, so the 32-bit ifIn/OutOctets columns must
 * be walked too (SNMPv1 has no Counter64; old or small devices have no ifXTable).
 */
export function needs32BitCounters(interfaces: readonly Interface[]): boolean {
  return interfaces.some((iface) => iface.counterBits !== 64);
}

/** Interfaces from the walked columns: 64-bit counters where the row has both, else 32-bit. */
export function parseInterfaces(walk: IfWalk): Interface[] {
  const cols = {} as Record<IfColumn, Map<string, Varbind>>;
  for (const column of Object.keys(IF_COLUMNS) as IfColumn[]) {
    cols[column] = rows(walk[column], IF_COLUMNS[column]);
  }
  return indexes(cols).map((index) => {
    const descr = textValue(cols.descr.get(index)) || undefined;
    const name = textValue(cols.name.get(index)) || descr || `if${index}`;
    const iface: Interface = { index, name };
    if (descr !== undefined) iface.descr = descr;
    const status = numericValue(cols.operStatus.get(index));
    if (status !== undefined) iface.status = OPER_STATUS[status] || `status${status}`;
    const hcIn = numericValue(cols.hcInOctets.get(index));
    const hcOut = numericValue(cols.hcOutOctets.get(index));
    // Both directions from the same pair, so receive and transmit wrap at the same point.
    if (hcIn !== undefined && hcOut !== undefined) {
      iface.receiveBytes = hcIn;
      iface.transmitBytes = hcOut;
      iface.counterBits = 64;
    } else {
      const inOctets = numericValue(cols.inOctets.get(index));
      const outOctets = numericValue(cols.outOctets.get(index));
      if (inOctets !== undefined) iface.receiveBytes = inOctets;
      if (outOctets !== undefined) iface.transmitBytes = outOctets;
      if (inOctets !== undefined || outOctets !== undefined) iface.counterBits = 32;
    }
    const receiveErrors = numericValue(cols.inErrors.get(index));
    if (receiveErrors !== undefined) iface.receiveErrors = receiveErrors;
    const transmitErrors = numericValue(cols.outErrors.get(index));
    if (transmitErrors !== undefined) iface.transmitErrors = transmitErrors;
    const speed = speedBytes(
      numericValue(cols.speed.get(index)),
      numericValue(cols.highSpeed.get(index)),
    );
    if (speed !== undefined) iface.speedBytes = speed;
    return iface;
  });
}

/** ifSpeed is bits/s up to 2^32-1; past that only ifHighSpeed (units of 1,000,000 bits/s) is right. */
export function speedBytes(
  ifSpeed: number | undefined,
  ifHighSpeed: number | undefined,
): number | undefined {
  if (ifHighSpeed !== undefined && (ifSpeed === undefined || ifSpeed >= IF_SPEED_MAX)) {
    return (ifHighSpeed * 1_000_000) / 8;
  }
  return ifSpeed === undefined ? undefined : ifSpeed / 8;
}

/** Samples for the interfaces, labelled `interface` (the name) and `index` (ifIndex, unique). */
export function interfaceSamples(interfaces: readonly Interface[]): ProbeSample[] {
  const samples: ProbeSample[] = [];
  for (const iface of interfaces) {
    const labels = { interface: iface.name.slice(0, 256), index: iface.index };
    const add = (metric: string, value: number | undefined) => {
      if (value !== undefined) samples.push({ metric, labels, value });
    };
    if (iface.status !== undefined)
      add(METRICS.snmpInterfaceUp.name, iface.status === "up" ? 1 : 0);
    add(METRICS.snmpInterfaceSpeed.name, iface.speedBytes);
    add(METRICS.snmpInterfaceReceive.name, iface.receiveBytes);
    add(METRICS.snmpInterfaceTransmit.name, iface.transmitBytes);
    add(METRICS.snmpInterfaceReceiveErrors.name, iface.receiveErrors);
    add(METRICS.snmpInterfaceTransmitErrors.name, iface.transmitErrors);
  }
  return samples;
}

/** What stands in for a value that is not a number: the varbind's exception or "noSuchName". */
export function missingReason(answer: Varbind | undefined): string {
  if (!answer) return "noSuchName";
  const exceptions: Record<number, string> = {
    [TYPE.NoSuchObject]: "noSuchObject",
    [TYPE.NoSuchInstance]: "noSuchInstance",
    [TYPE.EndOfMibView]: "endOfMibView",
  };
  return exceptions[answer.type] ?? "not a number";
}

/**
 * A reading times its configured scale (0.01 for hundredths of a second), to the 15 significant
 * digits a double holds for any decimal: 3650409 × 0.01 is 36504.09 as snmpget's reader would write
 * it, not the product's binary tail 36504.090000000004.
 */
export function scaled(value: number, scale: number): number {
  if (scale === 1) return value;
  return Number((value * scale).toPrecision(15));
}
