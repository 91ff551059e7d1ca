// The one list of probe kinds. The config schema of checks is built from it.
import { dnsProbe } from "./dns.js";
import { hostProbe } from "./host.js";
import { httpProbe } from "./http.js";
import type { Probe } from "./probe.js";
import { tcpProbe } from "./tcp.js";
import { tlsProbe } from "./tls.js";

export const PROBES: readonly Probe[] = [hostProbe, httpProbe, tlsProbe, tcpProbe, dnsProbe];

export const PROBE_BY_KIND: ReadonlyMap<string, Probe> = new Map(
  PROBES.map((probe) => [probe.kind, probe]),
);
