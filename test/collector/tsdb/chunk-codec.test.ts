// The chunk codec gives back exactly what it was given, and regular data takes a few bits a sample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk } from "../../../collector/tsdb/chunk-codec.js";

function roundTrip(ts: number[], values: number[]) {
  const decoded = decodeChunk(encodeChunk(ts, values));
  expect(decoded.ts).toEqual(ts);
  // Object.is tells -0 from 0 and compares NaN with itself.
  expect(decoded.values.length).toBe(values.length);
  values.forEach((value, i) => {
    expect(Object.is(decoded.values[i], value), `value ${i}: ${decoded.values[i]} ≠ ${value}`).toBe(
      true,
    );
  });
}

/** Sorted distinct timestamps in the range the protocol accepts. */
const timestamps = fc
  .uniqueArray(fc.integer({ min: 946_684_800_000, max: 7_258_118_400_000 }), { maxLength: 300 })
  .map((list) => list.sort((a, b) => a - b));

describe("chunk codec", () => {
  it("round-trips any doubles at any times", () => {
    fc.assert(
      fc.property(
        timestamps.chain((ts) =>
          fc.tuple(
            fc.constant(ts),
            fc.array(fc.double(), { minLength: ts.length, maxLength: ts.length }),
          ),
        ),
        ([ts, values]) => roundTrip(ts, values),
      ),
      { numRuns: 300 },
    );
  });

  it("round-trips decimal values, counters and values near the limits", () => {
    const decimals = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 1000),
      fc.integer({ min: 0, max: 1 }),
      fc.constantFrom(0, -0, 2 ** 50, -(2 ** 50), 2 ** 53, Number.MAX_VALUE, 5e-324, 0.1, 0.3),
      fc.maxSafeNat(),
    );
    fc.assert(
      fc.property(
        timestamps.chain((ts) =>
          fc.tuple(
            fc.constant(ts),
            fc.array(decimals, { minLength: ts.length, maxLength: ts.length }),
          ),
        ),
        ([ts, values]) => roundTrip(ts, values),
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a check's up/down series on schedule in about a third of a byte a sample", () => {
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < 240; i++) {
      ts.push(1_767_225_600_000 + i * 30_000);
      values.push(i >= 100 && i < 110 ? 0 : 1);
    }
    const bytes = encodeChunk(ts, values);
    roundTrip(ts, values);
    expect(bytes.length / 240).toBeLessThan(0.35);
  });

  it("stores a jittery schedule with millisecond decimals in about two bytes a sample", () => {
    const ts: number[] = [];
    const values: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 240; i++) {
      ts.push(1_767_225_600_000 + i * 30_000 + Math.floor(random() * 5));
      values.push(Math.round(1 + random() * 20) / 1000);
    }
    roundTrip(ts, values);
    expect(encodeChunk(ts, values).length / 240).toBeLessThan(2.2);
  });
});
