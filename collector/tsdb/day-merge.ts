// Merges each series' 2-hour raw chunks of a closed UTC day into one chunk of the day (table
// day_chunks), in short steps. A chunk holds a few dozen bytes that do not depend on how many
// samples it has (its first time and step, SQLite's row and page slack): over a day instead of 2
// hours they are shared by twelve times the samples, and a check on its schedule costs about what
// its timer's jitter does. A day is merged once it ended 30 hours ago, so the first minutes of a
// 24-hour window (read raw at its uneven edge) still come from a small 2-hour chunk. Samples that
// arrive for a merged day go to a 2-hour chunk as before; readers take both.
import { decodeChunk, encodeChunk, type Samples } from "./chunk-codec.js";
import { CHUNK_MS, chunkId, WINDOWS_PER_DAY } from "./chunk-ids.js";
import type { Job } from "./jobs.js";
import { mergeSamples } from "./sample-reader.js";
import type { Db } from "./sqlite.js";

const DAY_MS = WINDOWS_PER_DAY * CHUNK_MS;
/** A day is merged once it ended this long ago. */
export const MERGE_AFTER_MS = 30 * 3_600_000;
const STEP_MS = 5;
/** The bound of the latest pass begun, saved before it writes, as readers rely on it. */
const REACH_KEY = "merging_before";
const STATE_KEY = "merged_before";

export class DayMerge implements Job {
  readonly name = "merge";
  readonly #db: Db;
  readonly #series;
  readonly #chunks;
  readonly #dayChunk;
  readonly #putDay;
  readonly #dropChunks;
  readonly #saveState;
  /** Days before this one (ms) are merged. */
  #done: number;
  #pass: { before: number; after: number } | undefined;
  /** The bound of the latest pass begun, finished or not (a crash may have cut one short). */
  #reach: number;

  constructor(
    db: Db,
    /** Head samples before this time are compacted into 2-hour chunks. */
    private readonly compactedBefore: () => number,
  ) {
    this.#db = db;
    this.#series = db.prepare("SELECT id FROM series WHERE id > ? ORDER BY id LIMIT 16").pluck();
    this.#chunks = db
      .prepare("SELECT data FROM chunks WHERE id >= ? AND id < ? ORDER BY id")
      .pluck();
    this.#dayChunk = db.prepare("SELECT data FROM day_chunks WHERE id = ?").pluck();
    this.#putDay = db.prepare(
      "INSERT OR REPLACE INTO day_chunks (id, count, data) VALUES (?, ?, ?)",
    );
    this.#dropChunks = db.prepare("DELETE FROM chunks WHERE id >= ? AND id < ?");
    this.#saveState = db.prepare(
      "INSERT INTO maintenance_state (job, value) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET value = excluded.value",
    );
    this.#done =
      (db.prepare("SELECT value FROM maintenance_state WHERE job = ?").pluck().get(STATE_KEY) as
        | number
        | undefined) ?? 0;
    this.#reach =
      (db.prepare("SELECT value FROM maintenance_state WHERE job = ?").pluck().get(REACH_KEY) as
        | number
        | undefined) ?? this.#done;
  }

  /** No day chunk holds a sample at or after this time (the pass under way included). */
  get daysBefore(): number {
    return Math.max(this.#done, this.#reach);
  }

  step(now: number): boolean {
    if (!this.#pass) {
      const ready = Math.min(now - MERGE_AFTER_MS, this.compactedBefore());
      const before = Math.floor(ready / DAY_MS) * DAY_MS;
      if (before <= this.#done) return false;
      this.#pass = { before, after: 0 };
      if (before > this.#reach) {
        this.#saveState.run(REACH_KEY, before);
        this.#reach = before;
      }
    }
    const pass = this.#pass;
    const until = performance.now() + STEP_MS;
    const finished = this.#db.transaction(() => {
      while (performance.now() < until) {
        const ids = this.#series.all(pass.after) as number[];
        if (ids.length === 0) return true;
        for (const id of ids) {
          this.mergeSeries(id, this.#done, pass.before);
          pass.after = id;
          if (performance.now() >= until) break;
        }
      }
      return false;
    })();
    if (finished) {
      this.#done = pass.before;
      this.#saveState.run(STATE_KEY, pass.before);
      this.#pass = undefined;
    }
    return true;
  }

  /** Merges the series' 2-hour chunks of the days in [from, before) (ms, on day bounds). */
  mergeSeries(seriesId: number, from: number, before: number): void {
    const first = chunkId(seriesId, from / CHUNK_MS);
    const last = chunkId(seriesId, before / CHUNK_MS);
    // Only days that have chunks: one query for all of them, days apart found as they come.
    let day: number | undefined;
    let samples: Samples = { ts: [], values: [] };
    const flush = () => {
      if (day === undefined || samples.ts.length === 0) return;
      const id = chunkId(seriesId, day);
      const existing = this.#dayChunk.get(id) as Uint8Array | undefined;
      const merged = existing ? mergeSamples(decodeChunk(existing), samples) : samples;
      this.#putDay.run(id, merged.ts.length, encodeChunk(merged.ts, merged.values));
    };
    for (const data of this.#chunks.all(first, last) as Uint8Array[]) {
      const chunk = decodeChunk(data);
      const ts = chunk.ts[0];
      if (ts === undefined) continue;
      const chunkDay = Math.floor(ts / DAY_MS);
      if (chunkDay !== day) {
        flush();
        day = chunkDay;
        samples = { ts: [], values: [] };
      }
      // A series' chunks come window by window, each holding only its own window's samples.
      for (let i = 0; i < chunk.ts.length; i++) {
        samples.ts.push(chunk.ts[i] as number);
        samples.values.push(chunk.values[i] as number);
      }
    }
    flush();
    this.#dropChunks.run(first, last);
  }
}
