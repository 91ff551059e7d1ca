// Rollup bucket sizes and their numbering; daily buckets begin at midnight in Vietnam.

export const MINUTE = 60_000;
export const FIVE_MINUTES = 5 * MINUTE;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving), so days and months are fixed offsets. */
export const LOCAL_OFFSET_MS = 7 * HOUR;

export interface Level {
  readonly name: "5m" | "1h" | "1d";
  readonly size: number;
  /** Added to a time before dividing: buckets begin at `-offset` modulo size. */
  readonly offset: number;
}

export const FIVE_MINUTE_LEVEL: Level = { name: "5m", size: FIVE_MINUTES, offset: 0 };
export const HOUR_LEVEL: Level = { name: "1h", size: HOUR, offset: 0 };
export const DAY_LEVEL: Level = { name: "1d", size: DAY, offset: LOCAL_OFFSET_MS };

export function bucketOf(level: Level, ts: number): number {
  return Math.floor((ts + level.offset) / level.size);
}

export function bucketStart(level: Level, bucket: number): number {
  return bucket * level.size - level.offset;
}

/** The first bucket boundary at or after ts. */
export function ceilTo(level: Level, ts: number): number {
  return Math.ceil((ts + level.offset) / level.size) * level.size - level.offset;
}

/** The last bucket boundary at or before ts. */
export function floorTo(level: Level, ts: number): number {
  return Math.floor((ts + level.offset) / level.size) * level.size - level.offset;
}
