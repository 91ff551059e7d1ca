// The cache of decoded rollup chunks gives what decoding gives, adds the columns asked for later,
// forgets what it is told was written, and keeps within its budget.
import { describe, expect, it } from "vitest";
import { RollupCache } from "../../../collector/tsdb/rollup-cache.js";
import { decodeRollups, encodeRollups } from "../../../collector/tsdb/rollup-codec.js";

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
});
