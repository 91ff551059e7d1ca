// The protobuf body of a Prometheus remote_write 1.0 request, encoded by hand: the four messages it
// needs are tiny (https://prometheus.io/docs/specs/remote_write_spec/, prompb/types.proto):
//
//   message WriteRequest { repeated TimeSeries timeseries = 1; }
//   message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   message Label        { string name = 1; string value = 2; }
//   message Sample       { double value = 1; int64 timestamp = 2; }
//
// Wire format: https://protobuf.dev/programming-guides/encoding/ (a field is a varint tag
// `number << 3 | wire type`; wire type 0 varint, 1 fixed 64-bit, 2 length-delimited).

export type LabelPair = readonly [name: string, value: string];

/** One series of a request: its labels as encodeLabels made them, and its samples in ts order. */
export interface SeriesSamples {
  labels: Uint8Array;
  timestamps: readonly number[];
  values: readonly number[];
}

const LABELS_TAG = (1 << 3) | 2; // TimeSeries.labels, and WriteRequest.timeseries
const SAMPLES_TAG = (2 << 3) | 2;
const NAME_TAG = (1 << 3) | 2;
const VALUE_TAG = (2 << 3) | 2;
const SAMPLE_VALUE_TAG = (1 << 3) | 1;
const SAMPLE_TIMESTAMP_TAG = (2 << 3) | 0;
const TIMESERIES_TAG = (1 << 3) | 2;

/** Bytes of the varint of a non-negative integer up to 2^53, or of a negative int64 (always 10). */
export function varintSize(n: number): number {
  if (n < 0) return 10;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buffer: Uint8Array, at: number, n: number): number {
  if (n < 0) {
    // int64 keeps negative numbers as their 64-bit two's complement, ten bytes long.
    let big = BigInt.asUintN(64, BigInt(n));
    while (big >= 128n) {
      buffer[at++] = Number(big & 127n) | 128;
      big >>= 7n;
    }
    buffer[at++] = Number(big);
    return at;
  }
  // Division, not bit operations: those work on 32 bits and timestamps in ms need 41.
  while (n >= 128) {
    buffer[at++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buffer[at++] = n;
  return at;
}

/**
 * The Label entries of a TimeSeries, ready to be copied into every request of the series. The
 * caller sorts the labels by name and leaves out empty values, as the specification requires.
 */
export function encodeLabels(labels: readonly LabelPair[]): Buffer {
  const encoded = labels.map(([name, value]) => [Buffer.from(name), Buffer.from(value)] as const);
  let size = 0;
  for (const [name, value] of encoded) {
    const inner =
      1 + varintSize(name.length) + name.length + 1 + varintSize(value.length) + value.length;
    size += 1 + varintSize(inner) + inner;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const [name, value] of encoded) {
    const inner =
      1 + varintSize(name.length) + name.length + 1 + varintSize(value.length) + value.length;
    out[at++] = LABELS_TAG;
    at = writeVarint(out, at, inner);
    out[at++] = NAME_TAG;
    at = writeVarint(out, at, name.length);
    at += name.copy(out, at);
    out[at++] = VALUE_TAG;
    at = writeVarint(out, at, value.length);
    at += value.copy(out, at);
  }
  return out;
}

function sampleSize(ts: number): number {
  return 1 + 8 + 1 + varintSize(ts);
}

function seriesSize(series: SeriesSamples): number {
  let size = series.labels.length;
  for (const ts of series.timestamps) {
    const inner = sampleSize(ts);
    size += 1 + varintSize(inner) + inner;
  }
  return size;
}

/** The uncompressed WriteRequest holding these series. */
export function encodeWriteRequest(series: readonly SeriesSamples[]): Buffer {
  const sizes = series.map(seriesSize);
  let total = 0;
  for (const size of sizes) total += 1 + varintSize(size) + size;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const [i, one] of series.entries()) {
    out[at++] = TIMESERIES_TAG;
    at = writeVarint(out, at, sizes[i] as number);
    out.set(one.labels, at);
    at += one.labels.length;
    for (let k = 0; k < one.timestamps.length; k++) {
      const ts = one.timestamps[k] as number;
      const inner = sampleSize(ts);
      out[at++] = SAMPLES_TAG;
      at = writeVarint(out, at, inner);
      out[at++] = SAMPLE_VALUE_TAG;
      at = out.writeDoubleLE(one.values[k] as number, at);
      out[at++] = SAMPLE_TIMESTAMP_TAG;
      at = writeVarint(out, at, ts);
    }
  }
  return out;
}
