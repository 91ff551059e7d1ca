// The one list of probe kinds. The config schema of checks is built from it.
import type { CheckBase } from "../../shared/config/agent.js";
import { dnsProbe } from "./dns.js";
import { hostProbe } from "./host.js";
import { httpProbe } from "./http.js";
import { pingProbe } from "./ping.js";
import { printerProbe } from "./printer.js";
import type { CheckSchema, Probe } from "./probe.js";
import { processProbe } from "./process.js";
import { snmpProbe } from "./snmp/snmp.js";
import { tcpProbe } from "./tcp.js";
import { tlsProbe } from "./tls.js";
import { upsProbe } from "./ups.js";

/** A probe of the table: its schema is an object with a literal kind, as the union of checks needs. */
type KindProbe = Probe<CheckBase, CheckSchema>;

/** Never empty: the union of checks needs one kind at least. */
export const PROBES: readonly [KindProbe, ...KindProbe[]] = [
  hostProbe,
  pingProbe,
  snmpProbe,
  printerProbe,
  upsProbe,
  httpProbe,
  tlsProbe,
  tcpProbe,
  dnsProbe,
  processProbe,
];

export const PROBE_BY_KIND: ReadonlyMap<string, Probe> = new Map(
  PROBES.map((probe) => [probe.kind, probe]),
);
