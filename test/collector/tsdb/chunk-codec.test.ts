// Raw chunks give back exactly what they were given, values rounded to their metric's precision
// come back as rounded, regular data takes a few bits a sample, and chunks of format 1 (written
// by earlier releases) read as those releases wrote them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeChunk, encodeChunk } from "../../../collector/tsdb/chunk-codec.js";
import { DECIMALS, decimalsOf, quantize } from "../../../collector/tsdb/precision.js";
import { METRICS } from "../../../shared/metrics.js";
import { ROOT } from "../../helpers/processes.js";

function expectSame(actual: readonly number[], expected: readonly number[]) {
  expect(actual.length).toBe(expected.length);
  // Object.is tells -0 from 0 and compares NaN with itself.
  expected.forEach((value, i) => {
    expect(Object.is(actual[i], value), `value ${i}: ${actual[i]} ≠ ${value}`).toBe(true);
  });
}

function roundTrip(ts: number[], values: number[]): number {
  const bytes = encodeChunk(ts, values);
  const decoded = decodeChunk(bytes);
  expect(decoded.ts).toEqual(ts);
  expectSame(decoded.values, values);
  return bytes.length;
}

/** Sorted distinct timestamps in the range the protocol accepts. */
const timestamps = fc
  .uniqueArray(fc.integer({ min: 946_684_800_000, max: 7_258_118_400_000 }), { maxLength: 300 })
  .map((list) => list.sort((a, b) => a - b));

/** `count` timestamps on a schedule with a little jitter and some large gaps. */
const scheduleOf = (count: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 29_995, max: 30_005 }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 * 86_400_000 }) },
      ),
      { minLength: Math.max(0, count - 1), maxLength: Math.max(0, count - 1) },
    )
    .map((gaps) => {
      const ts = count > 0 ? [1_767_225_600_000] : [];
      for (const gap of gaps) ts.push((ts[ts.length - 1] as number) + gap);
      return ts;
    });
const scheduled = fc.nat({ max: 300 }).chain(scheduleOf);

const withValues = (times: fc.Arbitrary<number[]>, value: fc.Arbitrary<number>) =>
  times.chain((ts) =>
    fc.tuple(fc.constant(ts), fc.array(value, { minLength: ts.length, maxLength: ts.length })),
  );

/** NaN-free edge values: ±0, the smallest and largest doubles, the integer limits. */
const edges = fc.constantFrom(
  0,
  -0,
  2 ** 50,
  -(2 ** 50),
  2 ** 53,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  5e-324,
  Number.MIN_VALUE,
  0.1,
  0.3,
);

/** Runs of one value, as a check that stays up or a certificate's expiry. */
const runsOf = (value: fc.Arbitrary<number>) =>
  fc
    .array(fc.tuple(value, fc.integer({ min: 1, max: 120 })), { minLength: 1, maxLength: 5 })
    .map((runs) => runs.flatMap(([v, n]) => new Array<number>(n).fill(v)));

describe("raw chunk codec", () => {
  it("gives back any doubles at any times", () => {
    fc.assert(
      fc.property(withValues(timestamps, fc.double()), ([ts, values]) => {
        roundTrip(ts, values);
      }),
      { numRuns: 300 },
    );
  });

  it("gives back decimals, counters and edge values on schedules with large gaps", () => {
    const value = fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 1000),
      fc.integer({ min: 0, max: 1 }),
      edges,
      fc.maxSafeNat(),
    );
    fc.assert(
      fc.property(withValues(scheduled, value), ([ts, values]) => {
        roundTrip(ts, values);
      }),
      { numRuns: 300 },
    );
  });

  it("gives back runs of equal values", () => {
    const runs = fc.oneof(runsOf(fc.constantFrom(0, 1)), runsOf(fc.double({ noNaN: true })));
    fc.assert(
      fc.property(
        runs.chain((values) => fc.tuple(scheduleOf(values.length), fc.constant(values))),
        ([ts, values]) => {
          roundTrip(ts, values);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives back values rounded to any metric's precision as rounded, within half a step", () => {
    const decimals = [0, ...new Set(DECIMALS.values())];
    expect(decimals.length).toBeGreaterThan(2);
    fc.assert(
      fc.property(
        fc.constantFrom(...decimals),
        withValues(scheduled, fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), edges)),
        (d, [ts, measured]) => {
          const scale = 10 ** d;
          const stored = measured.map((value) => quantize(value, scale));
          roundTrip(ts, stored);
          measured.forEach((value, i) => {
            const kept = stored[i] as number;
            // Rounding again changes nothing: the head, chunks and rollups agree.
            expect(quantize(kept, scale)).toBe(kept);
            if (Math.abs(Math.round(value * scale)) <= 2 ** 50) {
              expect(Math.abs(kept - value)).toBeLessThanOrEqual((0.5 / scale) * (1 + 1e-9));
            } else {
              expect(kept).toBe(value);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps a check's up/down series on schedule in a tenth of a byte a sample", () => {
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < 240; i++) {
      ts.push(1_767_225_600_000 + i * 30_000);
      values.push(i >= 100 && i < 110 ? 0 : 1);
    }
    expect(roundTrip(ts, values) / 240).toBeLessThan(0.1);
  });

  it("keeps a check's results a few ms late on their schedule in about two bits a sample", () => {
    const ts: number[] = [];
    const values: number[] = [];
    let seed = 3;
    for (let i = 0; i < 240; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      // 0–3 ms late, and a silence of ten minutes in the middle.
      if (i >= 120 && i < 140) continue;
      ts.push(1_767_225_600_000 + i * 30_000 + (seed % 4));
      values.push(1);
    }
    expect(roundTrip(ts, values)).toBeLessThan((ts.length * 2) / 8 + 20);
  });

  it("stores durations at 0.1 ms in about the bits their spread needs, with the timer's jitter", () => {
    const ts: number[] = [];
    const values: number[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const scale = 10 ** (decimalsOf(METRICS.checkDuration.name) ?? 0);
    for (let i = 0; i < 240; i++) {
      ts.push(1_767_225_600_000 + i * 30_000 + Math.floor(random() * 5));
      // 2–52 ms as performance.now() measures it: 500 steps of 0.1 ms apart at most.
      values.push(quantize(0.002 + random() * 0.05, scale));
    }
    // 9 bits for 500 steps of 0.1 ms, 4 for the jitter of the times, and the chunk's header.
    expect(roundTrip(ts, values)).toBeLessThan((240 * 13) / 8 + 24);
  });
});

describe("raw chunks of format 1", () => {
  interface Case {
    name: string;
    ts: number[];
    values: (number | string)[];
    hex: string;
  }
  const cases = JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/store/chunks-format-1.json"), "utf8"),
  ) as Case[];

  it.each(cases.map((c) => [c.name, c] as const))("read as the release wrote them: %s", (_, c) => {
    const decoded = decodeChunk(Buffer.from(c.hex, "hex"));
    expect(decoded.ts).toEqual(c.ts);
    expectSame(
      decoded.values,
      c.values.map((v) => (typeof v === "number" ? v : Number(v))),
    );
  });
});
