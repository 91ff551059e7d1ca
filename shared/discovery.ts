// What a discovery run finds, as the agent reports it and the collector keeps it: one entry per
// address with how it was found, its SNMP identity, a guessed type, LLDP neighbours and open TCP
// ports. Never a credential: only the place of the one that answered in the unit's list.
import { z } from "zod";

export const DEVICE_TYPES = ["switch", "router", "printer", "ups", "host"] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** How an address was found: it answered ICMP echo or TCP, a router's ARP table, an LLDP neighbour. */
export const FOUND_BY = ["icmp", "tcp", "arp", "lldp"] as const;

/** The well-known ports probed on hosts without SNMP: SSH, HTTP, HTTPS, RDP, raw printing. */
export const TCP_PORTS = [22, 80, 443, 3389, 9100] as const;

const text = z.string().max(512);

export const neighbourSchema = z.strictObject({
  /** The neighbour's lldpRemSysName. */
  sysName: text.optional(),
  chassisId: text.optional(),
  portId: text.optional(),
  /** Its management address from lldpRemManAddrTable, when it gave one. */
  address: text.optional(),
  /** The local port number it was seen on (lldpRemLocalPortNum). */
  localPort: z.number().int().nonnegative().optional(),
});
export type Neighbour = z.infer<typeof neighbourSchema>;

export const discoveredDeviceSchema = z.strictObject({
  address: z.string().max(64),
  foundBy: z.array(z.enum(FOUND_BY)).max(FOUND_BY.length),
  type: z.enum(DEVICE_TYPES),
  /** The place (0-based) in the unit's credential list of the one the device answered. */
  snmpCredential: z.number().int().nonnegative().optional(),
  sysName: text.optional(),
  sysDescr: text.optional(),
  sysObjectID: text.optional(),
  sysLocation: text.optional(),
  ifNumber: z.number().int().nonnegative().optional(),
  model: text.optional(),
  serial: text.optional(),
  /** MAC address from the ARP table, as aa:bb:cc:dd:ee:ff. */
  mac: text.optional(),
  neighbours: z.array(neighbourSchema).max(256).optional(),
  /** Ports of TCP_PORTS that accepted a connection. */
  openPorts: z.array(z.number().int().min(1).max(65_535)).max(16).optional(),
});
export type DiscoveredDevice = z.infer<typeof discoveredDeviceSchema>;

export interface DiscoveryProgress {
  /** Addresses swept so far, of `total`. */
  swept: number;
  total: number;
}

/** RFC 3414 section 11.2: USM passwords have at least 8 characters. */
const usmKey = z.string().min(8, "must be at least 8 characters (RFC 3414 section 11.2)").max(256);

/** One SNMP credential discovery tries, in the unit's order: a v1/v2c community or a v3 user. */
export const snmpCredentialSchema = z.union([
  z.strictObject({
    version: z.enum(["1", "2c"]).default("2c"),
    community: z.string().min(1).max(256),
  }),
  z
    .strictObject({
      version: z.literal("3"),
      user: z.string().min(1).max(32),
      authProtocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).optional(),
      authKey: usmKey.optional(),
      privProtocol: z.enum(["des", "aes", "aes256b", "aes256r"]).optional(),
      privKey: usmKey.optional(),
    })
    .refine((c) => !c.authProtocol === !c.authKey, "authProtocol and authKey go together")
    .refine((c) => !c.privProtocol === !c.privKey, "privProtocol and privKey go together")
    .refine((c) => !c.privProtocol || !!c.authProtocol, "privProtocol needs authProtocol"),
]);
export type SnmpCredential = z.output<typeof snmpCredentialSchema>;

/** What the collector asks an agent to discover (the `discover` message without its envelope). */
export const discoveryRequestSchema = z.strictObject({
  /** The collector's id of the run, echoed in every report. */
  id: z.number().int().positive(),
  /** CIDR texts, each at most a /22, already checked against the unit's own networks. */
  networks: z.array(z.string().max(32)).min(1).max(16),
  snmp: z.array(snmpCredentialSchema).max(8).default([]),
  port: z.number().int().min(1).max(65_535).default(161),
  /** Probe packets per second across the whole run. */
  rate: z.number().int().min(1).max(1000).default(50),
  /** Addresses probed at once. */
  concurrency: z.number().int().min(1).max(64).default(16),
});
export type DiscoveryRequest = z.output<typeof discoveryRequestSchema>;
