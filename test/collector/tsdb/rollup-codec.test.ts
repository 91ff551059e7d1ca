// Rollup chunks give back every bucket and column they were given, nulls where they were null,
// decode only the columns asked for, and keep a check's steady buckets small.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Column,
  decodeRollups,
  encodeRollups,
  type RollupBlock,
} from "../../../collector/tsdb/rollup-codec.js";

/** Offsets of present buckets in a span of `size`: ascending, distinct, with gaps and runs. */
const offsets = (size: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: size - 1 }), { maxLength: size })
    .map((list) => list.sort((a, b) => a - b));

/** A column: numbers of any kind (NaN-free edges, decimals, runs) with some nulls. */
const cell = fc.oneof(
  { weight: 3, arbitrary: fc.constant(300_000) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 300_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000) },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 2 ** 50, Number.MAX_VALUE, 5e-324) },
  { weight: 1, arbitrary: fc.constant(null) },
);

const block = fc
  .tuple(offsets(288), fc.integer({ min: 1, max: 7 }), fc.boolean())
  .chain(([list, columns, allNull]) =>
    fc.record({
      offsets: fc.constant(list),
      columns: fc.array(
        allNull
          ? fc.constant<Column>(new Array(list.length).fill(null))
          : fc.array(cell, { minLength: list.length, maxLength: list.length }),
        { minLength: columns, maxLength: columns },
      ),
    }),
  );

function expectColumn(actual: Column | undefined, expected: Column) {
  expect(actual?.length).toBe(expected.length);
  expected.forEach((value, i) => {
    expect(Object.is(actual?.[i], value), `${actual?.[i]} ≠ ${value} at ${i}`).toBe(true);
  });
}

describe("rollup codec", () => {
  it("gives back any buckets and columns, nulls included", () => {
    fc.assert(
      fc.property(block, (b: RollupBlock) => {
        const decoded = decodeRollups(encodeRollups(b));
        expect(decoded.offsets).toEqual(b.offsets);
        for (const [c, column] of b.columns.entries()) expectColumn(decoded.columns[c], column);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes only the columns asked for", () => {
    fc.assert(
      fc.property(block, fc.nat(), (b: RollupBlock, pick) => {
        const wanted = [pick % b.columns.length];
        const decoded = decodeRollups(encodeRollups(b), wanted);
        b.columns.forEach((column, c) => {
          if (wanted.includes(c)) expectColumn(decoded.columns[c], column);
          else expect(decoded.columns[c]).toBeUndefined();
        });
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a day of a steady check's 5-minute buckets in a few dozen bytes", () => {
    const offsets = Array.from({ length: 288 }, (_, i) => i);
    const steady = (value: number) => new Array<number>(288).fill(value);
    const bytes = encodeRollups({
      offsets,
      // count, min, max, sum, up, observed, link: 10 results a bucket, all up.
      columns: [
        steady(10),
        steady(1),
        steady(1),
        steady(10),
        steady(300_000),
        steady(300_000),
        steady(0),
      ],
    });
    expect(bytes.length).toBeLessThan(48);
  });
});
