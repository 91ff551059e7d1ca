// Values are stored at the precision their probe measures, declared per metric in the metric
// table (shared/metrics.ts, `decimals`): a check's duration to 0.1 ms, a ping's round trip to the
// microsecond ping prints, byte counts whole. The digits beyond are noise (timer and event-loop
// jitter, floating-point division) that would cost a compressed chunk most of its bits. This is
// the store's one lossy step, taken as a sample is written, so the head, the chunks, the rollups,
// /metrics and remote_write all hold the same value (docs/developers/store.md#precision).
import { METRIC_BY_NAME } from "../../shared/metrics.js";
import { MAX_INTEGER } from "./integer-codec.js";

/** Digits after the point kept for the metric; undefined keeps values as they come. */
export function decimalsOf(metric: string): number | undefined {
  return METRIC_BY_NAME.get(metric)?.decimals;
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
