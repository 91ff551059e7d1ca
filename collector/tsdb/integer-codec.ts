// Lists of integers in about as few bits as the list allows, the building block of every chunk
// (raw samples and rollups). A list is written after one of three transforms (as it is, its
// deltas, or its deltas of deltas, as Gorilla and Prometheus write timestamps) and packed one of
// two ways: variable-length fields in which a whole run of zeros is one field, or every value in
// one width above the list's smallest (frame of reference, as VictoriaMetrics and Parquet pack
// noisy values). The cheapest of the six is measured and chosen for each list: timestamps on a
// schedule become one run of zero deltas-of-deltas, a value that rarely changes runs of zero
// deltas, a noisy measurement a few bits above its smallest.
import type { BitReader, BitWriter } from "./bits.js";

/** Larger integers could lose bits in a delta of deltas (doubles hold 53); callers check. */
export const MAX_INTEGER = 2 ** 50;

const TRANSFORMS = 3;
const PACKED_FIELDS = 0;
const PACKED_WIDTH = 1;

// Non-zero values in fields of a class: '10' + 4 bits, '110' + 8, ..., '111111' + 54, holding the
// zigzag form (-1, 1, -2, 2 → 1, 2, 3, 4). A zero is '0' alone among the first values and, in the
// rest of the list, '0' followed by the gamma code of the length of its run of zeros.
const CLASSES = [
  { prefix: 0b10, prefixBits: 2, bits: 4 },
  { prefix: 0b110, prefixBits: 3, bits: 8 },
  { prefix: 0b1110, prefixBits: 4, bits: 12 },
  { prefix: 0b11110, prefixBits: 5, bits: 20 },
  { prefix: 0b111110, prefixBits: 6, bits: 32 },
  { prefix: 0b111111, prefixBits: 6, bits: 54 },
] as const;

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Where each class ends, and its field's bits (measuring lists is most of what encoding costs). */
const LIMITS = CLASSES.map((c) => 2 ** c.bits);
const FIELD_BITS = CLASSES.map((c) => c.prefixBits + c.bits);

/** Bits of a field holding a non-zero value. */
function fieldBits(value: number): number {
  const z = value >= 0 ? value * 2 : -value * 2 - 1;
  for (let i = 0; i < LIMITS.length; i++) {
    if (z < (LIMITS[i] as number)) return FIELD_BITS[i] as number;
  }
  throw new RangeError(`integer ${value} is too large for a chunk`);
}

function gammaBits(length: number): number {
  return 2 * (31 - Math.clz32(length)) + 1;
}

/** Bits needed for a non-negative integer below 2^54. */
function widthOf(value: number): number {
  if (value < 2 ** 32) return 32 - Math.clz32(value);
  let width = 32;
  while (width < 54 && value >= 2 ** width) width++;
  return width;
}

function writeField(out: BitWriter, value: number): void {
  if (value === 0) {
    out.write(0, 1);
    return;
  }
  const z = zigzag(value);
  for (const c of CLASSES) {
    if (z < 2 ** c.bits) {
      out.write(c.prefix, c.prefixBits);
      out.writeWide(z, c.bits);
      return;
    }
  }
  throw new RangeError(`integer ${value} is too large for a chunk`);
}

/** The rest of a field whose first bit, 1, was read. */
function readFieldAfterOne(input: BitReader): number {
  let ones = 1;
  while (ones < 6 && input.readBit()) ones++;
  const c = CLASSES[ones - 1] as (typeof CLASSES)[number];
  return unzigzag(input.readWide(c.bits));
}

function readField(input: BitReader): number {
  return input.readBit() ? readFieldAfterOne(input) : 0;
}

/** The list after `order` rounds of differences; the first `order` entries are kept as seeds. */
function residuals(values: readonly number[], order: number): number[] {
  const out = values.slice();
  for (let round = 0; round < order; round++) {
    for (let i = out.length - 1; i > round; i--)
      out[i] = (out[i] as number) - (out[i - 1] as number);
  }
  return out;
}

function fieldsCost(list: readonly number[], from: number): number {
  let bits = 0;
  let zeros = 0;
  for (let i = from; i < list.length; i++) {
    const value = list[i] as number;
    if (value === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) bits += 1 + gammaBits(zeros);
    zeros = 0;
    bits += fieldBits(value);
  }
  if (zeros > 0) bits += 1 + gammaBits(zeros);
  return bits;
}

function range(list: readonly number[], from: number): { min: number; width: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = from; i < list.length; i++) {
    const value = list[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, width: widthOf(max - min) };
}

function widthCost(list: readonly number[], from: number): number {
  const { min, width } = range(list, from);
  return (min === 0 ? 1 : fieldBits(min)) + 6 + width * (list.length - from);
}

interface Choice {
  bits: number;
  order: number;
  packing: number;
  list: number[];
}

/** The cheapest of the six ways to write the integers (|n| ≤ MAX_INTEGER), and its size. */
function choose(values: readonly number[]): Choice {
  for (const value of values) {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_INTEGER) {
      throw new RangeError(`${value} is not an integer a chunk holds`);
    }
  }
  let best: Choice = { bits: Number.POSITIVE_INFINITY, order: 0, packing: PACKED_FIELDS, list: [] };
  for (let order = 0; order < TRANSFORMS; order++) {
    const list = residuals(values, order);
    const from = Math.min(order, list.length);
    let seeds = 3;
    for (let i = 0; i < from; i++) seeds += list[i] === 0 ? 1 : fieldBits(list[i] as number);
    const fields = seeds + fieldsCost(list, from);
    if (fields < best.bits) best = { bits: fields, order, packing: PACKED_FIELDS, list };
    if (from < list.length) {
      const width = seeds + widthCost(list, from);
      if (width < best.bits) best = { bits: width, order, packing: PACKED_WIDTH, list };
    }
  }
  return best;
}

/** The bits writeIntegers takes for these integers. */
export function integersBits(values: readonly number[]): number {
  return values.length === 0 ? 0 : choose(values).bits;
}

/** Writes integers (|n| ≤ MAX_INTEGER); the reader must be told how many. None take no bits. */
export function writeIntegers(out: BitWriter, values: readonly number[]): void {
  if (values.length === 0) return;
  const { order, packing, list } = choose(values);
  out.write(order, 2);
  out.write(packing, 1);
  const from = Math.min(order, list.length);
  for (let i = 0; i < from; i++) writeField(out, list[i] as number);
  if (packing === PACKED_WIDTH) {
    const { min, width } = range(list, from);
    writeField(out, min);
    out.write(width, 6);
    for (let i = from; i < list.length; i++) out.writeWide((list[i] as number) - min, width);
    return;
  }
  let zeros = 0;
  for (let i = from; i < list.length; i++) {
    const value = list[i] as number;
    if (value === 0) {
      zeros++;
      continue;
    }
    if (zeros > 0) {
      out.write(0, 1);
      out.writeGamma(zeros);
      zeros = 0;
    }
    writeField(out, value);
  }
  if (zeros > 0) {
    out.write(0, 1);
    out.writeGamma(zeros);
  }
}

/** Reads `count` integers written by writeIntegers. */
export function readIntegers(input: BitReader, count: number): number[] {
  const out: number[] = new Array(count);
  if (count === 0) return out;
  const order = input.read(2);
  const packing = input.read(1);
  if (order >= TRANSFORMS) throw new RangeError(`chunk is corrupt: transform ${order}`);
  const from = Math.min(order, count);
  for (let i = 0; i < from; i++) out[i] = readField(input);
  if (packing === PACKED_WIDTH) {
    const min = readField(input);
    const width = input.read(6);
    for (let i = from; i < count; i++) out[i] = min + input.readWide(width);
  } else {
    let i = from;
    while (i < count) {
      if (input.readBit()) {
        out[i++] = readFieldAfterOne(input);
        continue;
      }
      const zeros = input.readGamma();
      if (i + zeros > count) throw new RangeError("chunk is corrupt: run past the end");
      for (let k = 0; k < zeros; k++) out[i++] = 0;
    }
  }
  for (let round = order - 1; round >= 0; round--) {
    for (let i = round + 1; i < count; i++) out[i] = (out[i] as number) + (out[i - 1] as number);
  }
  return out;
}
