// What the rollups keep of a check's results besides count, min, max and sum: the time it was up,
// observed, and down while its unit's link was down, per check series and per scope (a unit's
// category, or the whole unit). How results become those times is the application's to say (a
// CheckTimesOf handed to the engine); the engine stores and sums them.
import type { Samples } from "./chunk-codec.js";

export interface CheckTimes {
  /** Time the check was up, observed, and down while the unit's link was down, in ms. */
  up: number;
  observed: number;
  link: number;
}

export interface ScopeTimes extends CheckTimes {
  /** Time at least one check of the scope was observed. */
  covered: number;
}

export interface CheckInput {
  id: number;
  category: string;
  /** How long one result holds at most, in ms. */
  cap: number;
  /** Results from at least `cap` before the window's start up to its end. */
  samples: Samples;
}

export interface BucketedTimes {
  /** Per check id, one entry per bucket. */
  checks: Map<number, CheckTimes[]>;
  /** Per scope, one entry per bucket. */
  scopes: Map<string, ScopeTimes[]>;
}

/**
 * Times of a unit's checks in the buckets of `size` ms that tile [from, to) (the last may be
 * shorter).
 */
export type CheckTimesOf = (
  checks: readonly CheckInput[],
  from: number,
  to: number,
  size: number,
) => BucketedTimes;

/** The usual gap between results: the median of the gaps, or undefined with fewer than `min`. */
export function medianGap(ts: readonly number[], min = 2): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) gaps.push((ts[i] as number) - (ts[i - 1] as number));
  if (gaps.length < min) return undefined;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2
    ? (gaps[mid] as number)
    : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
}
