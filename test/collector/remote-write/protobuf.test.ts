// The hand-written WriteRequest encoder: byte-exact on a vector worked out from the protobuf
// encoding rules, and read back by a decoder written apart from it for any series and values.
import fc from "fast-check";
import { compress, uncompress } from "snappyjs";
import { describe, expect, it } from "vitest";
import {
  encodeLabels,
  encodeWriteRequest,
  type LabelPair,
  varintSize,
} from "../../../collector/remote-write/protobuf.js";
import { decodeWriteRequest } from "../../helpers/remote-write.js";

describe("remote write protobuf", () => {
  it("encodes a one-sample request byte for byte as the protobuf rules say", () => {
    const body = encodeWriteRequest([
      { labels: encodeLabels([["__name__", "up"]]), timestamps: [1000], values: [1] },
    ]);
    // WriteRequest.timeseries (0a, 30 bytes) { labels (0a, 14) { name (0a 08 "__name__")
    // value (12 02 "up") } samples (12, 12) { value (09, double 1.0 LE) timestamp (10, varint 1000) } }
    expect(body.toString("hex")).toBe(
      [
        "0a1e",
        "0a0e",
        "0a08",
        Buffer.from("__name__").toString("hex"),
        "1202",
        Buffer.from("up").toString("hex"),
        "120c",
        "09",
        "000000000000f03f",
        "10e807",
      ].join(""),
    );
  });

  it("writes negative int64 timestamps as ten-byte two's complement varints", () => {
    const body = encodeWriteRequest([
      { labels: encodeLabels([["__name__", "x"]]), timestamps: [-1], values: [0] },
    ]);
    expect(body.toString("hex")).toContain(`10${"ff".repeat(9)}01`);
    expect(decodeWriteRequest(body)[0]?.samples).toEqual([{ value: 0, timestamp: -1 }]);
  });

  it("sizes varints right at every 7-bit boundary", () => {
    for (const [n, size] of [
      [0, 1],
      [127, 1],
      [128, 2],
      [16_383, 2],
      [16_384, 3],
      [2 ** 35 - 1, 5],
      [2 ** 35, 6],
      [Number.MAX_SAFE_INTEGER, 8],
    ] as const) {
      expect(varintSize(n)).toBe(size);
    }
  });

  it("round-trips any labels, values and millisecond timestamps through decoder and snappy", () => {
    const label = fc.tuple(
      fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/),
      fc.string({ minLength: 1, maxLength: 300, unit: "grapheme" }),
    );
    const series = fc.record({
      labels: fc.array(label, { minLength: 1, maxLength: 12 }),
      samples: fc.array(
        fc.tuple(
          fc.integer({ min: -(2 ** 40), max: 2 ** 43 }),
          fc.double({ noNaN: false, noDefaultInfinity: false }),
        ),
        { minLength: 1, maxLength: 40 },
      ),
    });
    fc.assert(
      fc.property(fc.array(series, { minLength: 1, maxLength: 20 }), (input) => {
        const body = encodeWriteRequest(
          input.map((s) => ({
            labels: encodeLabels(s.labels as LabelPair[]),
            timestamps: s.samples.map(([ts]) => ts),
            values: s.samples.map(([, v]) => v),
          })),
        );
        const decoded = decodeWriteRequest(uncompress(compress(body)));
        expect(decoded).toEqual(
          input.map((s) => ({
            labels: s.labels,
            samples: s.samples.map(([timestamp, value]) => ({ value, timestamp })),
          })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
