// One series' raw samples in a chunk (format 2): the count, the timestamps and the values, each a
// list written by the codec that suits it (integer-codec.ts, value-codec.ts). A check run on its
// schedule costs a few bits for a whole chunk of timestamps, a check that stays up a few more for
// its values; a duration stored to 0.1 ms about as many bits as its spread needs. Lossless: what
// is given is given back (values are rounded to their metric's precision before, by the writer).
// Chunks of format 1 stay readable (chunk-format-1.ts).
import { BitReader, BitWriter } from "./bits.js";
import { readFormat1 } from "./chunk-format-1.js";
import { readIntegers, writeIntegers } from "./integer-codec.js";
import { readValues, writeValues } from "./value-codec.js";

const FORMAT_1 = 1;
const FORMAT = 2;

export interface Samples {
  ts: number[];
  values: number[];
}

/** Compresses samples sorted by time (no two with the same ts, ts from 0 to 2^50). */
export function encodeChunk(ts: readonly number[], values: readonly number[]): Uint8Array {
  const out = new BitWriter();
  out.writeVarint(FORMAT);
  out.writeVarint(ts.length);
  if (ts.length === 0) return out.finish();
  writeIntegers(out, ts);
  writeValues(out, values);
  return out.finish();
}

export function decodeChunk(bytes: Uint8Array): Samples {
  const input = new BitReader(bytes);
  const format = input.readVarint();
  const count = input.readVarint();
  if (format === FORMAT_1) return readFormat1(input, count);
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`);
  return { ts: readIntegers(input, count), values: readValues(input, count) };
}
