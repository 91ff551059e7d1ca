// Moves raw samples of closed 2-hour windows from the head (one row each) into compressed chunks,
// a bounded number of rows per step, so ingest keeps writing plain rows and the file stays small.

import { decodeChunk, encodeChunk, type Samples } from "./chunk-codec.js";
import { CHUNK_MS, chunkId, windowOf } from "./chunk-ids.js";
import type { Job } from "./jobs.js";
import { mergeSamples } from "./sample-reader.js";
import type { Db } from "./sqlite.js";

/**
 * A closed window's samples stay in the head this long: a batch's stragglers and the rollups of
 * its last minutes (made 2 minutes behind the clock) find them there; samples later than that
 * are merged into the window's chunk. Longer would keep more rows of 24 bytes in the head.
 */
export const HEAD_KEEP_MS = 10 * 60_000;
const STEP_MS = 5;
/** Head rows read at once; a bigger agent is compacted over several steps. */
const ROWS_PER_READ = 5000;
/** The bound of the latest pass begun, saved before it writes, as readers rely on it. */
const REACH_KEY = "compacting_before";
const STATE_KEY = "compacted_before";

export class Compaction implements Job {
  readonly name = "compaction";
  readonly #db: Db;
  readonly #agents;
  readonly #headRows;
  readonly #headRowsAt;
  readonly #chunk;
  readonly #putChunk;
  readonly #dropHead;
  readonly #saveState;
  /** Head samples before this are compacted (the last finished pass). */
  #done: number;
  /** The pass under way: its bound and the last agent it finished. */
  #pass: { before: number; after: number } | undefined;
  /**
   * The bound of the latest pass begun, finished or not (a crash may have cut one short);
   * unknown in a store of a version that did not save it, until this one begins a pass.
   */
  #reach: number | undefined;

  constructor(db: Db) {
    this.#db = db;
    this.#agents = db.prepare("SELECT id FROM agents WHERE id > ? ORDER BY id LIMIT 16").pluck();
    this.#headRows = db
      .prepare(
        "SELECT series_id, ts, value FROM samples WHERE agent_id = ? AND ts < ? ORDER BY ts LIMIT ?",
      )
      .raw();
    this.#headRowsAt = db
      .prepare("SELECT series_id, ts, value FROM samples WHERE agent_id = ? AND ts = ?")
      .raw();
    this.#chunk = db.prepare("SELECT data FROM chunks WHERE id = ?").pluck();
    this.#putChunk = db.prepare("INSERT OR REPLACE INTO chunks (id, count, data) VALUES (?, ?, ?)");
    this.#dropHead = db.prepare("DELETE FROM samples WHERE agent_id = ? AND ts < ?");
    this.#saveState = db.prepare(
      "INSERT INTO maintenance_state (job, value) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET value = excluded.value",
    );
    this.#done =
      (db.prepare("SELECT value FROM maintenance_state WHERE job = ?").pluck().get(STATE_KEY) as
        | number
        | undefined) ?? 0;
    this.#reach = db
      .prepare("SELECT value FROM maintenance_state WHERE job = ?")
      .pluck()
      .get(REACH_KEY) as number | undefined;
  }

  /** Where compaction stands: head samples before this time have been compressed. */
  get compactedBefore(): number {
    return this.#done;
  }

  /** No chunk holds a sample at or after this time (the pass under way included). */
  get chunksBefore(): number {
    return this.#reach === undefined ? Number.POSITIVE_INFINITY : Math.max(this.#done, this.#reach);
  }

  step(now: number): boolean {
    if (!this.#pass) {
      const before = windowOf(now - HEAD_KEEP_MS) * CHUNK_MS;
      if (before <= this.#done) return false;
      this.#pass = { before, after: 0 };
      if (this.#reach === undefined || before > this.#reach) {
        this.#saveState.run(REACH_KEY, before);
        this.#reach = before;
      }
    }
    const pass = this.#pass;
    const until = performance.now() + STEP_MS;
    const finished = this.#db.transaction(() => {
      while (performance.now() < until) {
        const ids = this.#agents.all(pass.after) as number[];
        if (ids.length === 0) return true;
        for (const id of ids) {
          if (!this.compactAgent(id, pass.before)) return false;
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

  /**
   * Moves some of the agent's head samples before `before` into chunks (inside a transaction);
   * true when none are left.
   */
  compactAgent(agentId: number, before: number): boolean {
    let rows = this.#headRows.all(agentId, before, ROWS_PER_READ) as [number, number, number][];
    if (rows.length === 0) return true;
    let upTo = before;
    const full = rows.length === ROWS_PER_READ;
    if (full) {
      // Stop before the last time read, whose rows may go on past the limit.
      const last = (rows[rows.length - 1] as [number, number, number])[1];
      const first = (rows[0] as [number, number, number])[1];
      if (first === last) {
        rows = this.#headRowsAt.all(agentId, last) as [number, number, number][];
        upTo = last + 1;
      } else {
        rows = rows.filter((row) => row[1] < last);
        upTo = last;
      }
    }
    const bySeries = new Map<number, Samples>();
    for (const [id, ts, value] of rows) {
      let samples = bySeries.get(id);
      if (!samples) {
        samples = { ts: [], values: [] };
        bySeries.set(id, samples);
      }
      samples.ts.push(ts);
      samples.values.push(value);
    }
    for (const [id, samples] of bySeries) this.#write(id, samples);
    this.#dropHead.run(agentId, upTo);
    return !full;
  }

  /** Adds time-sorted samples of one series to the chunks of their windows. */
  #write(seriesId: number, samples: Samples): void {
    let start = 0;
    while (start < samples.ts.length) {
      const window = windowOf(samples.ts[start] as number);
      let end = start;
      while (end < samples.ts.length && windowOf(samples.ts[end] as number) === window) end++;
      const fresh = { ts: samples.ts.slice(start, end), values: samples.values.slice(start, end) };
      const id = chunkId(seriesId, window);
      const existing = this.#chunk.get(id) as Uint8Array | undefined;
      // Late samples for a window already compacted are merged into its chunk.
      const merged = existing ? mergeSamples(decodeChunk(existing), fresh) : fresh;
      this.#putChunk.run(id, merged.ts.length, encodeChunk(merged.ts, merged.values));
      start = end;
    }
  }
}
