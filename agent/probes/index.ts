// The probe of each kind of check; the kinds and their schemas are listed in
// shared/config/checks/index.ts, and this table must name a probe for each (it fails to compile
// otherwise).
import type { CheckBase } from "../../shared/config/agent.js";
import type { CheckSchema } from "../../shared/config/checks/check-schema.js";
import { CHECK_KINDS, type CheckKind } from "../../shared/config/checks/index.js";
import { dnsProbe } from "./dns.js";
import { hostProbe } from "./host.js";
import { httpProbe } from "./http.js";
import { pingProbe } from "./ping.js";
import { printerProbe } from "./printer.js";
import type { Probe } from "./probe.js";
import { processProbe } from "./process.js";
import { snmpProbe } from "./snmp/snmp.js";
import { tcpProbe } from "./tcp.js";
import { tlsProbe } from "./tls.js";
import { upsProbe } from "./ups.js";

/** A probe of the table: its schema is an object with a literal kind, as the union of checks needs. */
type KindProbe = Probe<CheckBase, CheckSchema>;

const PROBE_OF_KIND: { readonly [K in CheckKind]: KindProbe } = {
  host: hostProbe,
  ping: pingProbe,
  snmp: snmpProbe,
  printer: printerProbe,
  ups: upsProbe,
  http: httpProbe,
  tls: tlsProbe,
  tcp: tcpProbe,
  dns: dnsProbe,
  process: processProbe,
};

/** Every probe, in the order of the kinds. */
export const PROBES: readonly KindProbe[] = CHECK_KINDS.map((kind) => PROBE_OF_KIND[kind]);

export const PROBE_BY_KIND: ReadonlyMap<string, Probe> = new Map(
  PROBES.map((probe) => [probe.kind, probe]),
);
