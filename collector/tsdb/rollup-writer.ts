// Writes 5-minute rollup buckets of a series or a scope into an edit of their chunks and makes the
// coarser buckets around them again from the finer ones: hours from 5-minute buckets, and local
// days from hours, of a series and of a scope alike.
import { bucketOf, bucketStart, DAY_LEVEL, FIVE_MINUTE_LEVEL, HOUR_LEVEL } from "./buckets.js";
import { quantize } from "./precision.js";
import type { RollupEdit, Row } from "./rollup-chunks.js";
import {
  type RollupTable,
  SCOPE_1D,
  SCOPE_1H,
  SCOPE_5M,
  SERIES_1D,
  SERIES_1H,
  SERIES_5M,
} from "./rollup-tables.js";

const BUCKETS_PER_HOUR = HOUR_LEVEL.size / FIVE_MINUTE_LEVEL.size;

/** The sum of the non-null values, null when all are null (as SQL's sum()). */
function sumOf(rows: readonly Row[], column: number): number | null {
  let sum: number | null = null;
  for (const row of rows) {
    const value = row[column];
    if (value !== null && value !== undefined) sum = (sum ?? 0) + value;
  }
  return sum;
}

function extremeOf(rows: readonly Row[], column: number, pick: typeof Math.min): number | null {
  let out: number | null = null;
  for (const row of rows) {
    const value = row[column];
    if (value !== null && value !== undefined) out = out === null ? value : pick(out, value);
  }
  return out;
}

/**
 * A series' bucket made of finer ones: count, min, max, sum, up, observed, link. The sum is kept
 * at the metric's precision (`scale`), so a sum of values stored to 0.1 ms is exact in the chunk.
 */
export function seriesBucketOf(rows: readonly Row[], scale: number | undefined): Row | undefined {
  if (rows.length === 0) return undefined;
  const sum = sumOf(rows, 3);
  return [
    sumOf(rows, 0) ?? 0,
    extremeOf(rows, 1, Math.min),
    extremeOf(rows, 2, Math.max),
    sum === null ? null : quantize(sum, scale),
    sumOf(rows, 4),
    sumOf(rows, 5),
    sumOf(rows, 6),
  ];
}

/** A scope's bucket made of finer ones: up, observed, link, covered, each summed. */
export function scopeBucketOf(rows: readonly Row[]): Row | undefined {
  if (rows.length === 0) return undefined;
  return [sumOf(rows, 0) ?? 0, sumOf(rows, 1) ?? 0, sumOf(rows, 2) ?? 0, sumOf(rows, 3) ?? 0];
}

/** Replaces buckets [first, first + rows.length) of a table (an undefined row: no bucket). */
function replace(
  edit: RollupEdit,
  t: RollupTable,
  owner: number,
  first: number,
  rows: readonly (Row | undefined)[],
): void {
  // Not forEach, which skips the holes of an array made with new Array(n): they remove buckets.
  for (let i = 0; i < rows.length; i++) edit.set(t, owner, first + i, rows[i]);
}

/** Makes the hours holding 5-minute buckets [first, last) again from their 5-minute buckets. */
function rebuildHours(
  edit: RollupEdit,
  fine: RollupTable,
  coarse: RollupTable,
  owner: number,
  first: number,
  last: number,
  make: (rows: readonly Row[]) => Row | undefined,
): [number, number] {
  const firstHour = Math.floor(first / BUCKETS_PER_HOUR);
  const lastHour = Math.floor((last - 1) / BUCKETS_PER_HOUR) + 1;
  for (let hour = firstHour; hour < lastHour; hour++) {
    const rows = edit.range(fine, owner, hour * BUCKETS_PER_HOUR, (hour + 1) * BUCKETS_PER_HOUR);
    edit.set(coarse, owner, hour, make(rows));
  }
  return [firstHour, lastHour];
}

/** Makes the local days holding hours [firstHour, lastHour) again from their hours. */
export function rebuildDays(
  edit: RollupEdit,
  hours: RollupTable,
  days: RollupTable,
  owner: number,
  firstHour: number,
  lastHour: number,
  make: (rows: readonly Row[]) => Row | undefined,
): void {
  const dayOf = (hour: number) => bucketOf(DAY_LEVEL, bucketStart(HOUR_LEVEL, hour));
  for (let day = dayOf(firstHour); day <= dayOf(lastHour - 1); day++) {
    const from = bucketOf(HOUR_LEVEL, bucketStart(DAY_LEVEL, day));
    edit.set(days, owner, day, make(edit.range(hours, owner, from, from + 24)));
  }
}

/** 5-minute buckets of a series from `first` written; its hours and local days made again. */
export function writeSeries(
  edit: RollupEdit,
  series: number,
  scale: number | undefined,
  first: number,
  rows: readonly (Row | undefined)[],
): void {
  if (rows.length === 0) return;
  replace(edit, SERIES_5M, series, first, rows);
  const make = (fine: readonly Row[]) => seriesBucketOf(fine, scale);
  const [firstHour, lastHour] = rebuildHours(
    edit,
    SERIES_5M,
    SERIES_1H,
    series,
    first,
    first + rows.length,
    make,
  );
  rebuildDays(edit, SERIES_1H, SERIES_1D, series, firstHour, lastHour, make);
}

/** 5-minute buckets of a scope from `first` written; its hours and local days made again. */
export function writeScope(
  edit: RollupEdit,
  scope: number,
  first: number,
  rows: readonly (Row | undefined)[],
): void {
  if (rows.length === 0) return;
  replace(edit, SCOPE_5M, scope, first, rows);
  const [firstHour, lastHour] = rebuildHours(
    edit,
    SCOPE_5M,
    SCOPE_1H,
    scope,
    first,
    first + rows.length,
    scopeBucketOf,
  );
  rebuildDays(edit, SCOPE_1H, SCOPE_1D, scope, firstHour, lastHour, scopeBucketOf);
}
