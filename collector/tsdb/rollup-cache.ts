// Decoded rollup chunks kept in memory for the queries that read them again (every page view of the
// city reads the same hours and days), least recently used first out, within a budget of bytes.
// A chunk of a closed span never changes; one that is written or deleted is forgotten at once
// (rollup-chunks.ts), and only this process writes rollups.
import { type Column, decodeRollups } from "./rollup-codec.js";

export interface Decoded {
  offsets: number[];
  /** The columns decoded so far; the others undefined. */
  columns: (Column | undefined)[];
}

/** 64 MiB: the city's availability by 5 minutes, hours and days, and its trend lines, fit. */
const BUDGET_BYTES = 64 * 2 ** 20;

function sizeOf(decoded: Decoded): number {
  let arrays = 1;
  for (const column of decoded.columns) if (column) arrays++;
  return 64 + arrays * decoded.offsets.length * 8;
}

export class RollupCache {
  readonly #entries = new Map<string, { decoded: Decoded; bytes: number }>();
  #bytes = 0;

  constructor(private readonly budget = BUDGET_BYTES) {}

  /**
   * The chunk as held, when it holds the columns asked for (then most recently used): a query
   * reads the chunk's bytes only when this has nothing, so a page viewed again reads none.
   */
  held(table: string, id: number, wanted: readonly number[]): Decoded | undefined {
    const key = `${table}:${id}`;
    const entry = this.#entries.get(key);
    if (!entry || wanted.some((c) => entry.decoded.columns[c] === undefined)) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.decoded;
  }

  /** The chunk's bucket offsets and the columns asked for, decoded once. */
  decode(table: string, id: number, data: Uint8Array, wanted: readonly number[]): Decoded {
    const key = `${table}:${id}`;
    const entry = this.#entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      const missing = wanted.filter((c) => entry.decoded.columns[c] === undefined);
      if (missing.length === 0) return entry.decoded;
      const more = decodeRollups(data, missing);
      for (const c of missing) entry.decoded.columns[c] = more.columns[c];
      this.#resize(entry);
      return entry.decoded;
    }
    const decoded = decodeRollups(data, wanted);
    const fresh = { decoded, bytes: 0 };
    this.#entries.set(key, fresh);
    this.#resize(fresh);
    return decoded;
  }

  #resize(entry: { decoded: Decoded; bytes: number }): void {
    const bytes = sizeOf(entry.decoded);
    this.#bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    for (const [key, oldest] of this.#entries) {
      if (this.#bytes <= this.budget) break;
      this.#entries.delete(key);
      this.#bytes -= oldest.bytes;
    }
  }

  /** A chunk written or deleted. */
  forget(table: string, id: number): void {
    const key = `${table}:${id}`;
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }

  /** Chunks of a table deleted by range: all of the table's are forgotten. */
  forgetTable(table: string): void {
    for (const [key, entry] of this.#entries) {
      if (!key.startsWith(`${table}:`)) continue;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}
