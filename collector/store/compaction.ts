// Moves raw samples of closed 2-hour windows from the head (one row each) into compressed chunks,
// a few series per step, so ingest keeps writing plain rows and the file stays small.
import { decodeChunk, encodeChunk, type Samples } from "./chunk-codec.js";
import type { Db } from "./database.js";
import type { Job } from "./maintenance.js";
import { CHUNK_MS, chunkId, mergeSamples, windowOf } from "./raw.js";

/** Samples stay in the head for at least this long: rollups and /metrics read recent data there. */
export const HEAD_KEEP_MS = 3_600_000;
const STEP_MS = 5;
const STATE_KEY = "compacted_before";

export class Compaction implements Job {
  readonly name = "compaction";
  readonly #db: Db;
  readonly #series;
  readonly #headRows;
  readonly #chunk;
  readonly #putChunk;
  readonly #dropHead;
  readonly #saveState;
  /** Head samples before this are compacted (the last finished pass). */
  #done: number;
  /** The pass under way: its bound and the last series id it finished. */
  #pass: { before: number; after: number } | undefined;

  constructor(db: Db) {
    this.#db = db;
    this.#series = db.prepare("SELECT id FROM series WHERE id > ? ORDER BY id LIMIT 32").pluck();
    this.#headRows = db
      .prepare("SELECT ts, value FROM samples WHERE series_id = ? AND ts < ? ORDER BY ts")
      .raw();
    this.#chunk = db.prepare("SELECT data FROM chunks WHERE id = ?").pluck();
    this.#putChunk = db.prepare("INSERT OR REPLACE INTO chunks (id, count, data) VALUES (?, ?, ?)");
    this.#dropHead = db.prepare("DELETE FROM samples WHERE series_id = ? AND ts < ?");
    this.#saveState = db.prepare(
      "INSERT INTO maintenance_state (job, value) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET value = excluded.value",
    );
    this.#done =
      (db.prepare("SELECT value FROM maintenance_state WHERE job = ?").pluck().get(STATE_KEY) as
        | number
        | undefined) ?? 0;
  }

  /** Where compaction stands: head samples before this time have been compressed. */
  get compactedBefore(): number {
    return this.#done;
  }

  step(now: number): boolean {
    if (!this.#pass) {
      const before = windowOf(now - HEAD_KEEP_MS) * CHUNK_MS;
      if (before <= this.#done) return false;
      this.#pass = { before, after: 0 };
    }
    const pass = this.#pass;
    const until = performance.now() + STEP_MS;
    const finished = this.#db.transaction(() => {
      while (performance.now() < until) {
        const ids = this.#series.all(pass.after) as number[];
        if (ids.length === 0) return true;
        for (const id of ids) {
          this.compactSeries(id, pass.before);
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

  /** Moves the series' head samples before `before` into its chunks (inside a transaction). */
  compactSeries(seriesId: number, before: number): void {
    const rows = this.#headRows.all(seriesId, before) as [number, number][];
    if (rows.length === 0) return;
    let start = 0;
    while (start < rows.length) {
      const window = windowOf((rows[start] as [number, number])[0]);
      let end = start;
      const fresh: Samples = { ts: [], values: [] };
      while (end < rows.length && windowOf((rows[end] as [number, number])[0]) === window) {
        const [ts, value] = rows[end] as [number, number];
        fresh.ts.push(ts);
        fresh.values.push(value);
        end++;
      }
      const id = chunkId(seriesId, window);
      const existing = this.#chunk.get(id) as Uint8Array | undefined;
      // Late samples for a window already compacted are merged into its chunk.
      const merged = existing ? mergeSamples(decodeChunk(existing), fresh) : fresh;
      const data = encodeChunk(merged.ts, merged.values);
      this.#putChunk.run(id, merged.ts.length, data);
      start = end;
    }
    this.#dropHead.run(seriesId, before);
  }
}
