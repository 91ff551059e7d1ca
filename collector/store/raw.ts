// Reading raw samples wherever they are: the head (the samples table, one row per sample, where
// ingest writes) and the compressed chunks that compaction moves closed 2-hour windows into.
import { decodeChunk, type Samples } from "./chunk-codec.js";
import type { Db } from "./database.js";

/** Length of a chunk's time window; Prometheus cuts its head into blocks of the same length. */
export const CHUNK_MS = 2 * 3_600_000;
/** Chunk ids are series_id * 2^21 + window: windows up to the year 2448 fit. */
const WINDOWS = 2 ** 21;

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

/** Merges two time-sorted sample lists; a ts in both keeps the first list's sample. */
export function mergeSamples(first: Samples, second: Samples): Samples {
  if (second.ts.length === 0) return first;
  if (first.ts.length === 0) return second;
  const ts: number[] = [];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < first.ts.length || j < second.ts.length) {
    const a = first.ts[i];
    const b = second.ts[j];
    if (b === undefined || (a !== undefined && a <= b)) {
      ts.push(a as number);
      values.push(first.values[i] as number);
      if (a === b) j++;
      i++;
    } else {
      ts.push(b);
      values.push(second.values[j] as number);
      j++;
    }
  }
  return { ts, values };
}

export class RawSamples {
  readonly #chunks;
  readonly #head;
  readonly #headLast;
  readonly #lastChunk;
  readonly #headFirst;
  readonly #firstChunk;

  constructor(db: Db) {
    this.#chunks = db.prepare("SELECT data FROM chunks WHERE id >= ? AND id <= ? ORDER BY id");
    this.#head = db
      .prepare(
        "SELECT ts, value FROM samples WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts",
      )
      .raw();
    this.#headLast = db.prepare(
      "SELECT ts, value FROM samples WHERE series_id = ? ORDER BY ts DESC LIMIT 1",
    );
    this.#headFirst = db
      .prepare("SELECT ts FROM samples WHERE series_id = ? ORDER BY ts LIMIT 1")
      .pluck();
    this.#lastChunk = db.prepare(
      "SELECT data FROM chunks WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1",
    );
    this.#firstChunk = db
      .prepare("SELECT data FROM chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT 1")
      .pluck();
  }

  /** Samples of the series with from <= ts < to, in time order. */
  read(seriesId: number, from: number, to: number): Samples {
    const compacted: Samples = { ts: [], values: [] };
    if (to > from) {
      const rows = this.#chunks.all(
        chunkId(seriesId, windowOf(from)),
        chunkId(seriesId, windowOf(to - 1)),
      ) as { data: Uint8Array }[];
      for (const row of rows) {
        const chunk = decodeChunk(row.data);
        for (let i = 0; i < chunk.ts.length; i++) {
          const ts = chunk.ts[i] as number;
          if (ts >= from && ts < to) {
            compacted.ts.push(ts);
            compacted.values.push(chunk.values[i] as number);
          }
        }
      }
    }
    const head: Samples = { ts: [], values: [] };
    for (const [ts, value] of this.#head.iterate(seriesId, from, to) as Iterable<
      [number, number]
    >) {
      head.ts.push(ts);
      head.values.push(value);
    }
    // A sample compacted first wins over one that reached the head later with the same ts.
    return mergeSamples(compacted, head);
  }

  /** The newest sample of the series. */
  last(seriesId: number): { ts: number; value: number } | undefined {
    const head = this.#headLast.get(seriesId) as { ts: number; value: number } | undefined;
    const row = this.#lastChunk.get(chunkId(seriesId, 0), chunkId(seriesId + 1, 0)) as
      | { data: Uint8Array }
      | undefined;
    if (!row) return head;
    const chunk = decodeChunk(row.data);
    const n = chunk.ts.length - 1;
    const ts = chunk.ts[n];
    if (ts === undefined || (head && head.ts >= ts)) return head;
    return { ts, value: chunk.values[n] as number };
  }

  /** Time of the oldest sample of the series. */
  firstTs(seriesId: number): number | undefined {
    const head = this.#headFirst.get(seriesId) as number | undefined;
    const data = this.#firstChunk.get(chunkId(seriesId, 0), chunkId(seriesId + 1, 0)) as
      | Uint8Array
      | undefined;
    const compacted = data ? decodeChunk(data).ts[0] : undefined;
    if (head === undefined) return compacted;
    return compacted === undefined ? head : Math.min(head, compacted);
  }
}
