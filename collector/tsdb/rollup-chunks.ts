// Rollup chunks in their tables (rollup-tables.ts): read by ranges of ids for queries, and changed
// through an edit that decodes each chunk it touches once, changes its buckets in memory and
// encodes it once when flushed, however many hours of it a rollup step (or an upgrade) rewrites.
import { type Decoded, RollupCache } from "./rollup-cache.js";
import { decodeRollups, encodeRollups } from "./rollup-codec.js";
import { chunkIdOf, ROLLUP_TABLES, type RollupTable, spanOf, spanStart } from "./rollup-tables.js";
import type { Db } from "./sqlite.js";

/** One bucket: a value or null per column of its table. */
export type Row = (number | null)[];

interface Statements {
  get: { get(id: number): unknown };
  put: { run(id: number, data: Uint8Array): unknown };
  remove: { run(id: number): unknown };
  removeRange: { run(from: number, to: number): { changes: number } };
  ranges: { all(ranges: string): unknown[] };
}

export class RollupChunks {
  readonly #statements = new Map<string, Statements>();
  readonly #cache = new RollupCache();

  constructor(db: Db) {
    for (const t of ROLLUP_TABLES) {
      this.#statements.set(t.name, {
        get: db.prepare(`SELECT data FROM ${t.name} WHERE id = ?`).pluck(),
        put: db.prepare(`INSERT OR REPLACE INTO ${t.name} (id, data) VALUES (?, ?)`),
        remove: db.prepare(`DELETE FROM ${t.name} WHERE id = ?`),
        removeRange: db.prepare(`DELETE FROM ${t.name} WHERE id >= ? AND id < ?`),
        // CROSS JOIN keeps the ranges outside, so each is a search of the primary key. Ids only:
        // the bytes of a chunk the cache holds decoded are not read (get, for the others).
        ranges: db
          .prepare(
            `SELECT c.id FROM json_each(?) AS r CROSS JOIN ${t.name} c
             ON c.id >= r.value ->> 0 AND c.id <= r.value ->> 1`,
          )
          .pluck(),
      });
    }
  }

  #of(t: RollupTable): Statements {
    return this.#statements.get(t.name) as Statements;
  }

  get(t: RollupTable, id: number): Uint8Array | undefined {
    return this.#of(t).get.get(id) as Uint8Array | undefined;
  }

  /**
   * The chunks with ids in the ranges ([[first, last], ...], inclusive), range by range, with
   * their offsets and the columns asked for, decoded (or found decoded in the cache).
   */
  *inRanges(
    t: RollupTable,
    ranges: readonly (readonly [number, number])[],
    wanted: readonly number[],
  ): Generator<[number, Decoded]> {
    if (ranges.length === 0) return;
    const statements = this.#of(t);
    for (const id of statements.ranges.all(JSON.stringify(ranges)) as number[]) {
      const held = this.#cache.held(t.name, id, wanted);
      if (held) {
        yield [id, held];
        continue;
      }
      const data = statements.get.get(id) as Uint8Array | undefined;
      if (data) yield [id, this.#cache.decode(t.name, id, data, wanted)];
    }
  }

  /** Deletes the owner's chunks of spans before `span`. */
  removeBefore(t: RollupTable, owner: number, span: number): void {
    const { changes } = this.#of(t).removeRange.run(chunkIdOf(owner, 0), chunkIdOf(owner, span));
    if (changes > 0) this.#cache.forgetTable(t.name);
  }

  write(t: RollupTable, id: number, data: Uint8Array | undefined): void {
    if (data) this.#of(t).put.run(id, data);
    else this.#of(t).remove.run(id);
    this.#cache.forget(t.name, id);
  }

  edit(): RollupEdit {
    return new RollupEdit(this);
  }
}

interface OpenSpan {
  t: RollupTable;
  id: number;
  first: number;
  buckets: Map<number, Row>;
  changed: boolean;
}

/** Changes to rollup chunks, kept in memory until flush(), which a transaction should hold. */
export class RollupEdit {
  /** The chunks open, by table and id; the one used last, as a run of buckets stays in one. */
  readonly #open = new Map<RollupTable, Map<number, OpenSpan>>();
  #last: OpenSpan | undefined;

  constructor(private readonly chunks: RollupChunks) {}

  #span(t: RollupTable, owner: number, bucket: number): OpenSpan {
    const span = spanOf(t, bucket);
    const id = chunkIdOf(owner, span);
    const last = this.#last;
    if (last !== undefined && last.id === id && last.t === t) return last;
    let ofTable = this.#open.get(t);
    if (!ofTable) {
      ofTable = new Map();
      this.#open.set(t, ofTable);
    }
    let open = ofTable.get(id);
    if (!open) {
      const first = spanStart(t, span);
      open = { t, id, first, buckets: new Map(), changed: false };
      const data = this.chunks.get(t, id);
      if (data) {
        const { offsets, columns } = decodeRollups(data);
        offsets.forEach((offset, i) => {
          (open as OpenSpan).buckets.set(
            first + offset,
            columns.map((column) => column?.[i] ?? null),
          );
        });
      }
      ofTable.set(id, open);
    }
    this.#last = open;
    return open;
  }

  get(t: RollupTable, owner: number, bucket: number): Row | undefined {
    return this.#span(t, owner, bucket).buckets.get(bucket);
  }

  /** Sets one bucket (undefined: removes it). */
  set(t: RollupTable, owner: number, bucket: number, row: Row | undefined): void {
    const open = this.#span(t, owner, bucket);
    if (row) open.buckets.set(bucket, row);
    else if (!open.buckets.delete(bucket)) return;
    open.changed = true;
  }

  /** The rows of buckets [first, last) that are there, in order. */
  range(t: RollupTable, owner: number, first: number, last: number): Row[] {
    const out: Row[] = [];
    for (let bucket = first; bucket < last; bucket++) {
      const row = this.get(t, owner, bucket);
      if (row) out.push(row);
    }
    return out;
  }

  /** Writes every changed chunk (a chunk left without buckets is deleted). */
  flush(): void {
    for (const open of [...this.#open.values()].flatMap((ofTable) => [...ofTable.values()])) {
      if (!open.changed) continue;
      const buckets = [...open.buckets.keys()].sort((a, b) => a - b);
      const data =
        buckets.length === 0
          ? undefined
          : encodeRollups({
              offsets: buckets.map((bucket) => bucket - open.first),
              columns: open.t.columns.map((_, c) =>
                buckets.map((bucket) => (open.buckets.get(bucket) as Row)[c] ?? null),
              ),
            });
      this.chunks.write(open.t, open.id, data);
      open.changed = false;
    }
  }
}
