// Pure reading of discovery's SNMP answers: a device's identity and guessed type, its LLDP
// neighbours, and the addresses in its ARP table. No I/O here.
import type { DeviceType, Neighbour } from "../../shared/discovery.js";
import {
  isVarbindError,
  numericValue,
  rows,
  textValue,
  type Varbind,
} from "../probes/snmp/parse.js";
import { IDENTITY, LLDP_REMOTE, LLDP_REMOTE_ADDRESS, TYPE_MARKERS } from "./oids.js";

export interface Identity {
  sysDescr?: string;
  sysObjectID?: string;
  sysName?: string;
  sysLocation?: string;
  ifNumber?: number;
}

export function parseIdentity(varbinds: readonly Varbind[]): Identity {
  const byOid = new Map(varbinds.map((v) => [v.oid, v]));
  const identity: Identity = {};
  for (const key of ["sysDescr", "sysObjectID", "sysName", "sysLocation"] as const) {
    const value = textValue(byOid.get(IDENTITY[key]));
    if (value) identity[key] = value.slice(0, 512);
  }
  const ifNumber = numericValue(byOid.get(IDENTITY.ifNumber));
  if (ifNumber !== undefined && ifNumber >= 0) identity.ifNumber = Math.floor(ifNumber);
  return identity;
}

/**
 * The type from the answers to a getNext of each TYPE_MARKERS parent (in its order): a MIB is there
 * when the answer lies under it. A printer's or UPS's own MIB wins over the bridge and routing a
 * print server or management card may also answer.
 */
export function guessType(answers: readonly (Varbind | undefined)[]): DeviceType {
  const parents = Object.values(TYPE_MARKERS);
  const has = (i: number) => {
    const answer = answers[i];
    const parent = parents[i] as string;
    return !!answer && !isVarbindError(answer) && answer.oid.startsWith(`${parent}.`);
  };
  const keys = Object.keys(TYPE_MARKERS) as (keyof typeof TYPE_MARKERS)[];
  const at = (key: keyof typeof TYPE_MARKERS) => keys.indexOf(key);
  if (has(at("printer"))) return "printer";
  if (has(at("ups"))) return "ups";
  const forwarding = has(at("ipForwarding"))
    ? numericValue(answers[at("ipForwarding")])
    : undefined;
  if (forwarding === 1) return "router";
  if (has(at("bridge"))) return "switch";
  return "host";
}

/** The first non-empty value of a walked column (the chassis row of entPhysicalTable, usually). */
export function firstText(varbinds: readonly Varbind[]): string | undefined {
  for (const varbind of varbinds) {
    const value = textValue(varbind);
    if (value) return value.slice(0, 512);
  }
  return undefined;
}

/** An LLDP chassis or port id: text when printable, else hex (a MAC address, most often). */
function idText(varbind: Varbind | undefined): string | undefined {
  if (!varbind || isVarbindError(varbind)) return undefined;
  const { value } = varbind;
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    const printable = bytes.length > 0 && bytes.every((b) => b >= 0x20 && b < 0x7f);
    if (printable) return bytes.toString("latin1");
    return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":");
  }
  return textValue(varbind);
}

/**
 * Neighbours from lldpRemTable's columns and lldpRemManAddrTable (IPv4 addresses only), rows keyed
 * by timeMark.localPortNum.index.
 */
export function parseLldp(
  columns: Record<keyof typeof LLDP_REMOTE, readonly Varbind[]>,
  addresses: readonly Varbind[],
): Neighbour[] {
  const cols = Object.fromEntries(
    Object.entries(LLDP_REMOTE).map(([key, oid]) => [
      key,
      rows(columns[key as keyof typeof LLDP_REMOTE], oid),
    ]),
  ) as Record<keyof typeof LLDP_REMOTE, Map<string, Varbind>>;
  // lldpRemManAddrTable index: timeMark.localPortNum.index.addrSubtype.addrLength.address...
  const managed = new Map<string, string>();
  for (const varbind of addresses) {
    if (!varbind.oid.startsWith(`${LLDP_REMOTE_ADDRESS}.`)) continue;
    const parts = varbind.oid.slice(LLDP_REMOTE_ADDRESS.length + 1).split(".");
    // addrSubtype 1 is IPv4 (IANA address family numbers), 4 bytes long.
    if (parts[3] === "1" && parts[4] === "4" && parts.length >= 9) {
      managed.set(parts.slice(0, 3).join("."), parts.slice(5, 9).join("."));
    }
  }
  const indexes = new Set([...cols.chassisId.keys(), ...cols.sysName.keys()]);
  return [...indexes].sort().map((index) => {
    const neighbour: Neighbour = {};
    const sysName = textValue(cols.sysName.get(index));
    if (sysName) neighbour.sysName = sysName.slice(0, 512);
    const chassisId = idText(cols.chassisId.get(index));
    if (chassisId) neighbour.chassisId = chassisId.slice(0, 512);
    const portId = idText(cols.portId.get(index));
    if (portId) neighbour.portId = portId.slice(0, 512);
    const address = managed.get(index);
    if (address) neighbour.address = address;
    const localPort = Number(index.split(".")[1]);
    if (Number.isInteger(localPort)) neighbour.localPort = localPort;
    return neighbour;
  });
}

/** IPv4 address → MAC from ipNetToMediaPhysAddress or ipNetToPhysicalPhysAddress rows. */
export function parseArp(
  media: readonly Varbind[],
  physical: readonly Varbind[],
): Map<string, string> {
  const found = new Map<string, string>();
  const mac = (varbind: Varbind) =>
    varbind.value instanceof Uint8Array
      ? [...varbind.value].map((b) => b.toString(16).padStart(2, "0")).join(":")
      : "";
  for (const varbind of media) {
    if (isVarbindError(varbind)) continue;
    const parts = varbind.oid.split(".");
    if (parts.length < 4) continue;
    found.set(parts.slice(-4).join("."), mac(varbind));
  }
  for (const varbind of physical) {
    if (isVarbindError(varbind)) continue;
    // ...ifIndex.addrType(1 ipv4).length(4).a.b.c.d
    const parts = varbind.oid.split(".");
    if (parts.at(-6) === "1" && parts.at(-5) === "4")
      found.set(parts.slice(-4).join("."), mac(varbind));
  }
  return found;
}
