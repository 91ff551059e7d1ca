// Lists of doubles, losslessly: as integers (integer-codec.ts) when every value is a decimal with
// at most 9 digits after the point (0/1, status codes, byte counters, durations at the precision
// they are stored with, 0.0012 s), else XORed with the value before, after Facebook's Gorilla
// (Pelkonen et al., VLDB 2015, https://www.vldb.org/pvldb/vol8/p1816-teller.pdf). The XOR code is
// also that of raw chunks of format 1 (chunk-format-1.ts): it must never change.
import type { BitReader, BitWriter } from "./bits.js";
import { MAX_INTEGER, readIntegers, writeIntegers } from "./integer-codec.js";

const MAX_DECIMALS = 9;
const MODE_DECIMAL = 0;
const MODE_XOR = 1;

/**
 * The fewest decimal places that represent every value exactly (dividing the scaled integer by
 * 10^k gives the same double back), or undefined when there are none up to MAX_DECIMALS.
 */
export function decimalPlaces(values: readonly number[]): number | undefined {
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scale = 10 ** decimals;
    let fits = true;
    for (const value of values) {
      const n = Math.round(value * scale);
      if (Math.abs(n) > MAX_INTEGER || n / scale !== value || Object.is(value, -0)) {
        fits = false;
        break;
      }
    }
    if (fits) return decimals;
  }
  return undefined;
}

export function writeValues(out: BitWriter, values: readonly number[]): void {
  if (values.length === 0) return;
  const decimals = decimalPlaces(values);
  if (decimals === undefined) {
    out.write(MODE_XOR, 1);
    writeXor(out, values);
    return;
  }
  const scale = 10 ** decimals;
  out.write(MODE_DECIMAL, 1);
  out.write(decimals, 4);
  writeIntegers(
    out,
    values.map((value) => Math.round(value * scale)),
  );
}

export function readValues(input: BitReader, count: number): number[] {
  if (count === 0) return [];
  if (input.read(1) === MODE_XOR) {
    const values: number[] = new Array(count);
    readXor(input, values);
    return values;
  }
  const decimals = input.read(4);
  if (decimals > MAX_DECIMALS) throw new RangeError(`chunk is corrupt: ${decimals} decimals`);
  const values = readIntegers(input, count);
  if (decimals > 0) {
    const scale = 10 ** decimals;
    for (let i = 0; i < count; i++) values[i] = (values[i] as number) / scale;
  }
  return values;
}

// Doubles as two 32-bit halves, explicitly little-endian so the format is the same on any CPU.
const view = new DataView(new ArrayBuffer(8));

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** The first value in 64 bits, then per value '0' (the same), or the XOR's meaningful bits. */
export function writeXor(out: BitWriter, values: readonly number[]): void {
  view.setFloat64(0, values[0] as number, true);
  let high = view.getUint32(4, true);
  let low = view.getUint32(0, true);
  out.write(high, 32);
  out.write(low, 32);
  let leading = -1;
  let trailing = 0;
  for (let i = 1; i < values.length; i++) {
    view.setFloat64(0, values[i] as number, true);
    const h = view.getUint32(4, true);
    const l = view.getUint32(0, true);
    const xh = (h ^ high) >>> 0;
    const xl = (l ^ low) >>> 0;
    high = h;
    low = l;
    if (xh === 0 && xl === 0) {
      out.write(0, 1);
      continue;
    }
    const lead = Math.min(31, xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl));
    const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (leading >= 0 && lead >= leading && trail >= trailing) {
      out.write(0b10, 2);
      writeMeaningful(out, xh, xl, trailing, 64 - leading - trailing);
    } else {
      leading = lead;
      trailing = trail;
      const length = 64 - lead - trail;
      out.write(0b11, 2);
      out.write(lead, 5);
      out.write(length - 1, 6);
      writeMeaningful(out, xh, xl, trail, length);
    }
  }
}

function writeMeaningful(out: BitWriter, xh: number, xl: number, shift: number, bits: number) {
  let h: number;
  let l: number;
  if (shift >= 32) {
    h = 0;
    l = xh >>> (shift - 32);
  } else if (shift === 0) {
    h = xh;
    l = xl;
  } else {
    h = xh >>> shift;
    l = ((xl >>> shift) | (xh << (32 - shift))) >>> 0;
  }
  if (bits > 32) out.write(h, bits - 32);
  out.write(bits >= 32 ? l : l & (2 ** bits - 1), Math.min(bits, 32));
}

export function readXor(input: BitReader, values: number[]): void {
  let high = input.read(32);
  let low = input.read(32);
  view.setUint32(4, high, true);
  view.setUint32(0, low, true);
  values[0] = view.getFloat64(0, true);
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < values.length; i++) {
    if (input.readBit()) {
      if (input.readBit()) {
        leading = input.read(5);
        const length = input.read(6) + 1;
        trailing = 64 - leading - length;
      }
      const bits = 64 - leading - trailing;
      const h = bits > 32 ? input.read(bits - 32) : 0;
      const l = input.read(Math.min(bits, 32));
      let xh: number;
      let xl: number;
      if (trailing >= 32) {
        xh = (l << (trailing - 32)) >>> 0;
        xl = 0;
      } else if (trailing === 0) {
        xh = h;
        xl = l;
      } else {
        xh = ((h << trailing) | (l >>> (32 - trailing))) >>> 0;
        xl = (l << trailing) >>> 0;
      }
      high = (high ^ xh) >>> 0;
      low = (low ^ xl) >>> 0;
      view.setUint32(4, high, true);
      view.setUint32(0, low, true);
    }
    values[i] = view.getFloat64(0, true);
  }
}
