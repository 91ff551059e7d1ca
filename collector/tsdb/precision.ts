// Values are stored at the precision their probe measures, declared here per metric: a check's
// duration to 0.1 ms, a ping's round trip to the microsecond ping prints. The digits beyond are
// noise (timer and event-loop jitter, floating-point division) that would cost a compressed chunk
// most of its bits. This is the store's one lossy step, taken as a sample is written, so the head,
// the chunks, the rollups, /metrics and remote_write all hold the same value
// (docs/developers/store.md#precision). A metric not declared here is kept as it comes: counts,
// bytes, status codes and 0/1 are whole already, and a new metric is never rounded by mistake.
// Declared beside the engine rather than in the metric table so that the agent, which loads the
// table, does not carry what only the collector's store uses.
import { METRICS } from "../../shared/metrics.js";
import { MAX_INTEGER } from "./integer-codec.js";

/** 0.1 ms, for a check's duration timed by the agent: its timers and event loop add more jitter. */
const TENTH_OF_A_MILLISECOND = 4;
/** Microseconds: ping prints round trips in milliseconds with three decimals. */
const MICROSECONDS = 6;
/** Hundredths of a second: SNMP's sysUpTime and the kernel's uptime count them. */
const HUNDREDTHS = 2;
/** Ratios (CPU, loss): 0.01 % is finer than any of them is measured. */
const RATIO = 4;

/** Digits after the point (in the metric's base unit) that each metric's probe measures. */
export const DECIMALS: ReadonlyMap<string, number> = new Map([
  [METRICS.checkDuration.name, TENTH_OF_A_MILLISECOND],
  [METRICS.pingRtt.name, MICROSECONDS],
  [METRICS.pingRttMin.name, MICROSECONDS],
  [METRICS.pingRttMax.name, MICROSECONDS],
  [METRICS.pingJitter.name, MICROSECONDS],
  [METRICS.snmpUptime.name, HUNDREDTHS],
  [METRICS.hostUptime.name, HUNDREDTHS],
  [METRICS.pingLoss.name, RATIO],
  [METRICS.processCpu.name, RATIO],
  [METRICS.hostCpu.name, RATIO],
]);

/** Digits after the point kept for the metric; undefined keeps values as they come. */
export function decimalsOf(metric: string): number | undefined {
  return DECIMALS.get(metric);
}

/** 10^decimals, the factor a value is rounded with; undefined for a metric kept as it comes. */
export function scaleOf(metric: string): number | undefined {
  const decimals = decimalsOf(metric);
  return decimals === undefined ? undefined : 10 ** decimals;
}

/**
 * The value rounded to the nearest multiple of 1/scale (halves upwards, as Math.round), a negative
 * zero made zero. A value too large for that many decimals has fewer digits after its point
 * anyway, and is kept as it is.
 */
export function quantize(value: number, scale: number | undefined): number {
  if (scale === undefined) return value;
  const n = Math.round(value * scale);
  if (!(Math.abs(n) <= MAX_INTEGER)) return value;
  return n / scale + 0;
}
