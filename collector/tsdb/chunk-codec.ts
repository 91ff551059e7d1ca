// One series' raw samples in a chunk (format 2): the count, the timestamps and the values, each
// written by the codec that suits it (integer-codec.ts, value-codec.ts). Timestamps are either a
// plain list (deltas of deltas, ...) or, for a check run on a schedule, a grid: the usual step,
// each sample's slot (runs of "the next one") and how many ms it is off its slot (a timer's few
// ms of lateness: two bits a sample where its deltas would take three or more). A check that stays
// up costs a few more bits for a whole chunk of values; a duration stored to 0.1 ms about as many
// bits as its spread needs. Lossless: what is given is given back (values are rounded to their
// metric's precision before, by the writer). Chunks of format 1 stay readable (chunk-format-1.ts).
import { BitReader, BitWriter } from "./bits.js";
import { readFormat1 } from "./chunk-format-1.js";
import { integersBits, readIntegers, writeIntegers } from "./integer-codec.js";
import { readValues, writeValues } from "./value-codec.js";

const FORMAT_1 = 1;
const FORMAT = 2;
const TIMES_LIST = 0;
const TIMES_GRID = 1;

export interface Samples {
  ts: number[];
  values: number[];
}

interface Grid {
  /** The first time and the step. */
  seeds: [number, number];
  /** Slots from one sample to the next (1 on schedule, more after a gap). */
  slots: number[];
  /** Each later sample's ms off its slot. */
  offsets: number[];
}

/** The timestamps on a grid of their median step. */
function gridOf(ts: readonly number[]): Grid {
  const t0 = ts[0] as number;
  const deltas: number[] = [];
  for (let i = 1; i < ts.length; i++) deltas.push((ts[i] as number) - (ts[i - 1] as number));
  deltas.sort((a, b) => a - b);
  const step = Math.max(1, deltas[deltas.length >> 1] ?? 1);
  const slots: number[] = [];
  const offsets: number[] = [];
  let previous = 0;
  for (let i = 1; i < ts.length; i++) {
    const slot = Math.round(((ts[i] as number) - t0) / step);
    slots.push(slot - previous);
    offsets.push((ts[i] as number) - t0 - slot * step);
    previous = slot;
  }
  return { seeds: [t0, step], slots, offsets };
}

/** Compresses samples sorted by time (no two with the same ts, ts from 0 to 2^50). */
export function encodeChunk(ts: readonly number[], values: readonly number[]): Uint8Array {
  const out = new BitWriter();
  out.writeVarint(FORMAT);
  out.writeVarint(ts.length);
  if (ts.length === 0) return out.finish();
  const grid = ts.length > 2 ? gridOf(ts) : undefined;
  const gridBits = grid
    ? integersBits(grid.seeds) + integersBits(grid.slots) + integersBits(grid.offsets)
    : Number.POSITIVE_INFINITY;
  if (grid && gridBits < integersBits(ts)) {
    out.write(TIMES_GRID, 1);
    writeIntegers(out, grid.seeds);
    writeIntegers(out, grid.slots);
    writeIntegers(out, grid.offsets);
  } else {
    out.write(TIMES_LIST, 1);
    writeIntegers(out, ts);
  }
  writeValues(out, values);
  return out.finish();
}

function readTimes(input: BitReader, count: number): number[] {
  if (input.read(1) === TIMES_LIST) return readIntegers(input, count);
  const [t0, step] = readIntegers(input, 2) as [number, number];
  const slots = readIntegers(input, count - 1);
  const offsets = readIntegers(input, count - 1);
  const ts: number[] = new Array(count);
  ts[0] = t0;
  let slot = 0;
  for (let i = 1; i < count; i++) {
    slot += slots[i - 1] as number;
    ts[i] = t0 + slot * step + (offsets[i - 1] as number);
  }
  return ts;
}

export function decodeChunk(bytes: Uint8Array): Samples {
  const input = new BitReader(bytes);
  const format = input.readVarint();
  const count = input.readVarint();
  if (format === FORMAT_1) return readFormat1(input, count);
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`);
  if (count === 0) return { ts: [], values: [] };
  return { ts: readTimes(input, count), values: readValues(input, count) };
}
