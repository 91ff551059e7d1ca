// The collector's fast sample check must accept exactly what the zod schema accepts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_TS, MIN_TS, sampleSchema } from "../../shared/protocol.js";
import { checkSample } from "../../shared/sample-check.js";

const metric = fc.oneof(
  fc.constantFrom(
    "giamsat_ping_rtt_seconds",
    "giamsat_x",
    "giamsat_a:b",
    `giamsat_${"x".repeat(120)}`,
  ),
  fc.constantFrom("up", "giamsat-x", "giamsat_é", "", `giamsat_${"x".repeat(121)}`, "9giamsat"),
  fc.string({ maxLength: 20 }),
  fc.integer(),
);
const labelName = fc.oneof(
  fc.constantFrom("check", "interface", "_x", "a1", "unit", "agent", "1a", "a-b", "ả", ""),
  fc.string({ maxLength: 6 }),
);
const labelValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom("x".repeat(256), "x".repeat(257), "Cổng thông tin"),
  fc.integer(),
  fc.constant(null),
);
const labels = fc.oneof(
  fc.dictionary(labelName, labelValue, { maxKeys: 18 }),
  fc.dictionary(
    fc.constantFrom(...Array.from({ length: 20 }, (_, i) => `l${i}`)),
    fc.string({ maxLength: 3 }),
    {
      minKeys: 14,
      maxKeys: 20,
    },
  ),
  fc.constantFrom(null, [], "labels", 1),
);
const ts = fc.oneof(
  fc.integer({ min: MIN_TS - 2, max: MIN_TS + 2 }),
  fc.integer({ min: MAX_TS - 2, max: MAX_TS + 2 }),
  fc.integer({ min: MIN_TS, max: MAX_TS }),
  fc.double(),
  fc.constantFrom("1", null),
);
const value = fc.oneof(fc.double(), fc.integer(), fc.constantFrom("1", null, true));

/** Valid samples, so that one mutated field at a time lands near the boundary. */
const validSample = fc.record({
  metric: fc.constantFrom(
    "giamsat_ping_rtt_seconds",
    "giamsat_host_cpu_usage_ratio",
    `giamsat_${"x".repeat(120)}`,
  ),
  labels: fc.dictionary(
    fc.constantFrom("check", "interface", "mount", "_x", "l9"),
    fc.string({ maxLength: 256 }),
    {
      maxKeys: 5,
    },
  ),
  ts: fc.integer({ min: MIN_TS, max: MAX_TS }),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
});
const nearValid = fc
  .tuple(
    validSample,
    fc.constantFrom("metric", "labels", "ts", "value", "none"),
    fc.record({ metric, labels, ts, value }),
  )
  .map(([good, field, bad]) => (field === "none" ? good : { ...good, [field]: bad[field] }));

const sample = fc.oneof(
  validSample,
  nearValid,
  fc.record({ metric, labels, ts, value }),
  fc.record({ metric, labels, ts, value }, { requiredKeys: [] }),
  fc.record({ metric, labels, ts, value, extra: fc.integer() }),
  fc.constantFrom(null, [], "sample", 3),
);

describe("checkSample", () => {
  it("agrees with sampleSchema on valid, invalid and malformed samples", () => {
    let valid = 0;
    fc.assert(
      fc.property(sample, (candidate) => {
        const fast = checkSample(candidate) === undefined;
        const reference = sampleSchema.safeParse(candidate).success;
        expect(fast, JSON.stringify(candidate)).toBe(reference);
        if (reference) valid++;
      }),
      { numRuns: 5000, seed: 20261127 },
    );
    // The generator must reach both sides of the boundary, or the agreement means little.
    expect(valid).toBeGreaterThan(250);
    expect(valid).toBeLessThan(4750);
  });

  it("accepts a typical sample and names the field of a bad one", () => {
    const good = {
      metric: "giamsat_ping_rtt_seconds",
      labels: { check: "gw" },
      ts: Date.now(),
      value: 0.001,
    };
    expect(checkSample(good)).toBeUndefined();
    expect(checkSample({ ...good, labels: { unit: "x" } })).toBe(
      "labels.unit: label is set by the collector",
    );
    expect(checkSample({ ...good, ts: 5 })).toBe(
      "ts: expected milliseconds since the epoch between 2000 and 2200",
    );
  });
});
