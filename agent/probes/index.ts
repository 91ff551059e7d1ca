// The one list of probe kinds. The config schema of checks is built from it.
import { hostProbe } from "./host.js";
import { pingProbe } from "./ping.js";
import type { Probe } from "./probe.js";
import { processProbe } from "./process.js";

export const PROBES: readonly Probe[] = [hostProbe, pingProbe, processProbe];

export const PROBE_BY_KIND: ReadonlyMap<string, Probe> = new Map(
  PROBES.map((probe) => [probe.kind, probe]),
);
