// The one list of probe kinds. The config schema of checks is built from it.
import { dnsProbe } from "./dns.js";
import { hostProbe } from "./host.js";
import { httpProbe } from "./http.js";
import { pingProbe } from "./ping.js";
import type { Probe } from "./probe.js";
import { processProbe } from "./process.js";
import { snmpProbe } from "./snmp/snmp.js";
import { tcpProbe } from "./tcp.js";
import { tlsProbe } from "./tls.js";

export const PROBES: readonly Probe[] = [
  hostProbe,
  pingProbe,
  snmpProbe,
  httpProbe,
  tlsProbe,
  tcpProbe,
  dnsProbe,
  processProbe,
];

export const PROBE_BY_KIND: ReadonlyMap<string, Probe> = new Map(
  PROBES.map((probe) => [probe.kind, probe]),
);
