// The integer lists every chunk is made of come back exactly, whatever their shape, and the shapes
// the collector stores (schedules, rarely changing values, noise) take few bits.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BitReader, BitWriter } from "../../../collector/tsdb/bits.js";
import { MAX_INTEGER, readIntegers, writeIntegers } from "../../../collector/tsdb/integer-codec.js";

function encode(values: readonly number[]): Uint8Array {
  const out = new BitWriter();
  writeIntegers(out, values);
  // A marker after the list: the reader must stop exactly where the list ends.
  out.write(0b101, 3);
  return out.finish();
}

function roundTrip(values: readonly number[]): number {
  const bytes = encode(values);
  const input = new BitReader(bytes);
  expect(readIntegers(input, values.length)).toEqual(values);
  expect(input.read(3)).toBe(0b101);
  return bytes.length;
}

/** Integers of every size a chunk holds, the limits among them. */
const integer = fc.oneof(
  fc.integer({ min: -MAX_INTEGER, max: MAX_INTEGER }),
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0, 1, -1, MAX_INTEGER, -MAX_INTEGER, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53 / 8),
);

/** Lists made of runs: equal values, steady steps, and jumps between them. */
const runs = fc
  .array(
    fc.record({
      start: integer,
      step: fc.oneof(fc.constant(0), fc.integer({ min: -1000, max: 1000 })),
      length: fc.integer({ min: 1, max: 400 }),
    }),
    { maxLength: 6 },
  )
  .map((parts) =>
    parts.flatMap(({ start, step, length }) =>
      Array.from({ length }, (_, i) =>
        Math.max(-MAX_INTEGER, Math.min(MAX_INTEGER, start + i * step)),
      ),
    ),
  );

describe("integer codec", () => {
  it("gives back any list of integers, the limits and zero-length included", () => {
    fc.assert(
      fc.property(fc.array(integer, { maxLength: 300 }), (values) => {
        roundTrip(values);
      }),
      { numRuns: 500 },
    );
  });

  it("gives back runs of equal values, steady steps and large jumps", () => {
    fc.assert(
      fc.property(runs, (values) => {
        roundTrip(values);
      }),
      { numRuns: 500 },
    );
  });

  it("gives back timestamps with large gaps between them", () => {
    const gaps = fc.array(
      fc.oneof(
        fc.constant(30_000),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 90 * 86_400_000 }),
      ),
      { maxLength: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7_258_118_400_000 }), gaps, (first, list) => {
        const ts = [first];
        for (const gap of list) ts.push((ts[ts.length - 1] as number) + gap);
        roundTrip(ts.filter((t) => t <= MAX_INTEGER));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses what it cannot give back exactly", () => {
    for (const value of [0.5, MAX_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => writeIntegers(new BitWriter(), [1, value])).toThrow(/not an integer/);
    }
  });

  it("writes a schedule, a steady value and noise in few bits", () => {
    const schedule = Array.from({ length: 240 }, (_, i) => 1_767_225_600_000 + i * 30_000);
    // Seeds (the first time and the first step) and one run: under 16 bytes for 240 timestamps.
    expect(roundTrip(schedule)).toBeLessThan(16);
    expect(roundTrip(new Array(288).fill(300_000))).toBeLessThan(8);
    let seed = 11;
    const noise = Array.from({ length: 240 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return 200 + (seed % 500);
    });
    // 500 values apart at most: 9 bits each, and a few bytes of header.
    expect(roundTrip(noise)).toBeLessThanOrEqual(Math.ceil((240 * 9) / 8) + 6);
  });
});
