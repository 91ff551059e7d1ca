// The cache of decoded rollup chunks gives what decoding gives, adds the columns asked for later,
// forgets what it is told was written, and keeps within its budget; and the chunks of a query come
// from it without their bytes being read again, unless they were written since.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../collector/db/database.js";
import { RollupCache } from "../../../collector/tsdb/rollup-cache.js";
import { RollupChunks } from "../../../collector/tsdb/rollup-chunks.js";
import { decodeRollups, encodeRollups } from "../../../collector/tsdb/rollup-codec.js";
import { SCOPE_1D } from "../../../collector/tsdb/rollup-tables.js";
import { tempDir } from "../../helpers/processes.js";

const chunk = (value: number) =>
  encodeRollups({
    offsets: [0, 1, 5],
    columns: [
      [value, value + 1, null],
      [1, 2, 3],
    ],
  });

describe("rollup cache", () => {
  it("decodes once, adds columns asked for later, and decodes again what was written", () => {
    const cache = new RollupCache();
    const first = cache.decode("t", 1, chunk(10), [0]);
    expect(first).toEqual({ offsets: [0, 1, 5], columns: [[10, 11, null], undefined] });
    // A chunk it holds is not decoded again: other bytes under the same id give the same answer.
    expect(cache.decode("t", 1, chunk(99), [0]).columns[0]).toEqual([10, 11, null]);
    expect(cache.decode("t", 1, chunk(10), [1]).columns).toEqual([
      [10, 11, null],
      [1, 2, 3],
    ]);
    cache.forget("t", 1);
    expect(cache.decode("t", 1, chunk(99), [0]).columns[0]).toEqual([99, 100, null]);
    cache.forgetTable("t");
    expect(cache.decode("t", 1, chunk(7), [0, 1])).toEqual(decodeRollups(chunk(7)));
  });

  it("keeps within its budget, the least recently used out first", () => {
    // Each entry of 3 buckets and one column is 64 + 2 × 3 × 8 = 112 bytes: room for two.
    const cache = new RollupCache(250);
    cache.decode("t", 1, chunk(1), [0]);
    cache.decode("t", 2, chunk(2), [0]);
    cache.decode("t", 1, chunk(1), [0]);
    cache.decode("t", 3, chunk(3), [0]);
    // 2 was used least recently, so it went: it is decoded again from the bytes given.
    expect(cache.decode("t", 2, chunk(20), [0]).columns[0]).toEqual([20, 21, null]);
    expect(cache.decode("t", 3, chunk(30), [0]).columns[0]).toEqual([3, 4, null]);
  });

  it("holds a chunk for a query only with every column it asks for", () => {
    const cache = new RollupCache();
    expect(cache.held("t", 1, [0])).toBeUndefined();
    cache.decode("t", 1, chunk(10), [0]);
    expect(cache.held("t", 1, [0])?.columns[0]).toEqual([10, 11, null]);
    expect(cache.held("t", 1, [0, 1])).toBeUndefined();
    cache.forget("t", 1);
    expect(cache.held("t", 1, [0])).toBeUndefined();
  });

  it("gives a query the chunks as last written, read once and then from the cache", () => {
    const dir = tempDir("giamsat-rollup-cache-");
    const db = openDatabase(join(dir.path, "collector.db"));
    try {
      const chunks = new RollupChunks(db);
      const read = (id: number) =>
        [...chunks.inRanges(SCOPE_1D, [[id, id]], [0])].map(([, d]) => d.columns[0]);
      chunks.write(SCOPE_1D, 5, chunk(10));
      expect(read(5)).toEqual([[10, 11, null]]);
      // Bytes changed behind the cache's back are not read again: the cache answers.
      db.prepare(`UPDATE ${SCOPE_1D.name} SET data = ? WHERE id = 5`).run(chunk(40));
      expect(read(5)).toEqual([[10, 11, null]]);
      // Written through the chunks, as rollups and retention write them: read again.
      chunks.write(SCOPE_1D, 5, chunk(70));
      expect(read(5)).toEqual([[70, 71, null]]);
      chunks.write(SCOPE_1D, 5, undefined);
      expect(read(5)).toEqual([]);
    } finally {
      db.close();
      dir.remove();
    }
  });
});
