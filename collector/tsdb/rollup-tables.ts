// Where rollups are kept: one table per level and kind of owner (series, or a unit's scope), a row
// per owner and span of local days (a day of 5-minute buckets, eight days of hours, 64 of days),
// its id owner × 2^21 + span, so one owner's chunks are one range of the primary key, as raw
// chunks are. Spans begin at midnight in Vietnam, so a local day's hours and 5-minute buckets are
// each in one chunk and a day's rollup is made from one chunk of hours.
import {
  bucketOf,
  bucketStart,
  DAY_LEVEL,
  FIVE_MINUTE_LEVEL,
  HOUR_LEVEL,
  type Level,
} from "./buckets.js";

/** Chunk ids are owner * 2^21 + span; spans of a day up to the year 7700 fit. */
const SPANS = 2 ** 21;

export const SERIES_COLUMNS = ["count", "min", "max", "sum", "up", "observed", "link"] as const;
export const SCOPE_COLUMNS = ["up", "observed", "link", "covered"] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];
export type ScopeColumn = (typeof SCOPE_COLUMNS)[number];

export interface RollupTable {
  /** The SQLite table. */
  readonly name: string;
  readonly owner: "series" | "scope";
  readonly level: Level;
  /** Local days per chunk. */
  readonly spanDays: number;
  readonly columns: readonly string[];
}

function table(
  name: string,
  owner: "series" | "scope",
  level: Level,
  spanDays: number,
): RollupTable {
  return {
    name,
    owner,
    level,
    spanDays,
    columns: owner === "series" ? SERIES_COLUMNS : SCOPE_COLUMNS,
  };
}

export const SERIES_5M = table("rollup_5m_chunks", "series", FIVE_MINUTE_LEVEL, 1);
export const SERIES_1H = table("rollup_1h_chunks", "series", HOUR_LEVEL, 8);
export const SERIES_1D = table("rollup_1d_chunks", "series", DAY_LEVEL, 64);
export const SCOPE_5M = table("scope_5m_chunks", "scope", FIVE_MINUTE_LEVEL, 1);
export const SCOPE_1H = table("scope_1h_chunks", "scope", HOUR_LEVEL, 8);
export const SCOPE_1D = table("scope_1d_chunks", "scope", DAY_LEVEL, 64);
export const ROLLUP_TABLES = [
  SERIES_5M,
  SERIES_1H,
  SERIES_1D,
  SCOPE_5M,
  SCOPE_1H,
  SCOPE_1D,
] as const;

/** The table of a level for an owner kind. */
export function rollupTable(owner: "series" | "scope", level: Level["name"]): RollupTable {
  const found = ROLLUP_TABLES.find((t) => t.owner === owner && t.level.name === level);
  if (!found) throw new RangeError(`no ${level} rollups of ${owner}`);
  return found;
}

/** The span holding a bucket of the table's level. */
export function spanOf(t: RollupTable, bucket: number): number {
  return Math.floor(bucketOf(DAY_LEVEL, bucketStart(t.level, bucket)) / t.spanDays);
}

/** The first bucket of a span. */
export function spanStart(t: RollupTable, span: number): number {
  return bucketOf(t.level, bucketStart(DAY_LEVEL, span * t.spanDays));
}

export function chunkIdOf(owner: number, span: number): number {
  return owner * SPANS + Math.min(SPANS - 1, Math.max(0, span));
}

export function ownerOfChunk(id: number): number {
  return Math.floor(id / SPANS);
}

export function spanOfChunk(id: number): number {
  return id % SPANS;
}
