// A numbered batch assembled from its rows: the JSON texts of their fragments joined, so nothing is
// parsed or serialized again on the way to the wire.
import type { Fragments } from "./codec.js";
import type { PendingBatch } from "./entry.js";
import type { StoredRow } from "./rows.js";

export function assembleBatch(
  seq: number,
  rows: readonly StoredRow[],
  backlog: boolean,
  fragmentsOf: (row: StoredRow) => Fragments,
): PendingBatch {
  const results: string[] = [];
  const samples: string[] = [];
  const inventory: string[] = [];
  let items = 0;
  for (const row of rows) {
    const fragments = fragmentsOf(row);
    if (fragments.results) results.push(fragments.results);
    if (fragments.samples) samples.push(fragments.samples);
    if (fragments.inventory) inventory.push(fragments.inventory);
    items += row.items;
  }
  return {
    seq,
    results: `[${results.join(",")}]`,
    samples: `[${samples.join(",")}]`,
    inventory: inventory.length > 0 ? `[${inventory.join(",")}]` : undefined,
    count: items,
    backlog,
  };
}

/** Rows from the front of `rows` that fit one batch: at most `maxSize` of JSON and `budget` samples. */
export function fitBatch(
  rows: Iterable<StoredRow>,
  maxSize: number,
  budget: number,
): { rows: StoredRow[]; items: number } {
  const taken: StoredRow[] = [];
  let size = 0;
  let items = 0;
  for (const row of rows) {
    if (taken.length > 0 && (size + row.size > maxSize || items + row.items > budget)) break;
    taken.push(row);
    size += row.size;
    items += row.items;
  }
  return { rows: taken, items };
}
