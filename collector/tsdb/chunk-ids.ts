// Where raw chunks are: 2-hour windows (UTC, as Prometheus cuts its blocks) and the UTC days they
// are merged into, numbered since the epoch, and the chunk ids series_id * 2^21 + window (or day),
// so one series' chunks are one range of a table's primary key.

/** Length of a chunk's time window; Prometheus cuts its head into blocks of the same length. */
export const CHUNK_MS = 2 * 3_600_000;
/** Chunk ids are series_id * 2^21 + window (or day): windows up to the year 2448 fit. */
const WINDOWS = 2 ** 21;
/** 2-hour windows in a day chunk (day-merge.ts): days begin at midnight UTC, as windows do. */
export const WINDOWS_PER_DAY = 12;

/** The day (since the epoch, UTC) of a 2-hour window: the window part of a day chunk's id. */
export function dayOf(window: number): number {
  return Math.floor(window / WINDOWS_PER_DAY);
}

export function chunkId(seriesId: number, window: number): number {
  return seriesId * WINDOWS + window;
}

/** The 2-hour window of a time, kept within what chunk ids can hold. */
export function windowOf(ts: number): number {
  return Math.min(WINDOWS - 1, Math.max(0, Math.floor(ts / CHUNK_MS)));
}

export function seriesOfChunk(id: number): number {
  return Math.floor(id / WINDOWS);
}
