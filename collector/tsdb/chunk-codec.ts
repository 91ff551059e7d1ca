// Lossless compression of one series' samples, after Facebook's Gorilla (Pelkonen et al., VLDB 2015,
// https://www.vldb.org/pvldb/vol8/p1816-teller.pdf), which Prometheus' chunks also follow:
// timestamps as delta-of-delta in variable-length bit fields (a check run on its schedule costs
// about one bit), values either as XOR against the previous value (any double) or, when every value
// is a decimal number with few digits (0/1, status codes, counters, 0.0012 s), as integer deltas.
import { BitReader, BitWriter } from "./bits.js";

const FORMAT = 1;
const MODE_XOR = 0;
const MODE_DELTA = 1;
const MODE_DELTA_OF_DELTA = 2;
/** Integers beyond this could lose bits in a delta-of-delta; such series use XOR. */
const MAX_SCALED = 2 ** 50;
const MAX_DECIMALS = 9;

export interface Samples {
  ts: number[];
  values: number[];
}

/** Compresses samples sorted by time (no two with the same ts). */
export function encodeChunk(ts: readonly number[], values: readonly number[]): Uint8Array {
  const count = ts.length;
  const out = new BitWriter();
  out.writeVarint(FORMAT);
  out.writeVarint(count);
  if (count === 0) return out.finish();
  out.writeWide(ts[0] as number, 64);
  let previousDelta = 0;
  for (let i = 1; i < count; i++) {
    const delta = (ts[i] as number) - (ts[i - 1] as number);
    writeSigned(out, delta - previousDelta);
    previousDelta = delta;
  }
  const decimals = decimalPlaces(values);
  if (decimals === undefined) {
    out.write(MODE_XOR, 2);
    writeXor(out, values);
    return out.finish();
  }
  const scale = 10 ** decimals;
  const scaled = values.map((value) => Math.round(value * scale));
  const deltaBits = integerBits(scaled, false);
  const dodBits = integerBits(scaled, true);
  const ofDeltas = dodBits < deltaBits;
  out.write(ofDeltas ? MODE_DELTA_OF_DELTA : MODE_DELTA, 2);
  out.write(decimals, 4);
  writeIntegers(out, scaled, ofDeltas);
  return out.finish();
}

export function decodeChunk(bytes: Uint8Array): Samples {
  const input = new BitReader(bytes);
  const format = input.readVarint();
  if (format !== FORMAT) throw new RangeError(`unknown chunk format ${format}`);
  const count = input.readVarint();
  const ts: number[] = new Array(count);
  const values: number[] = new Array(count);
  if (count === 0) return { ts, values };
  let t = input.readWide(64);
  ts[0] = t;
  let delta = 0;
  for (let i = 1; i < count; i++) {
    delta += readSigned(input);
    t += delta;
    ts[i] = t;
  }
  const mode = input.read(2);
  if (mode === MODE_XOR) {
    readXor(input, values);
  } else {
    const scale = 10 ** input.read(4);
    let n = readSigned(input);
    values[0] = n / scale;
    let step = 0;
    for (let i = 1; i < count; i++) {
      if (mode === MODE_DELTA_OF_DELTA) {
        step += readSigned(input);
        n += step;
      } else {
        n += readSigned(input);
      }
      values[i] = n / scale;
    }
  }
  return { ts, values };
}

/**
 * The fewest decimal places that represent every value exactly (dividing the scaled integer by
 * 10^k gives the same double back), or undefined when there are none below MAX_DECIMALS.
 */
function decimalPlaces(values: readonly number[]): number | undefined {
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scale = 10 ** decimals;
    let fits = true;
    for (const value of values) {
      const n = Math.round(value * scale);
      if (Math.abs(n) > MAX_SCALED || n / scale !== value || Object.is(value, -0)) {
        fits = false;
        break;
      }
    }
    if (fits) return decimals;
  }
  return undefined;
}

// Signed integers in variable-length fields: '0' for 0, then '10'+7 bits, '110'+12 bits,
// '1110'+20 bits, '11110'+32 bits, '11111'+64 bits, holding the zigzag form (0,-1,1,-2 → 0,1,2,3).
const FIELDS = [
  { prefix: 0b10, prefixBits: 2, bits: 7 },
  { prefix: 0b110, prefixBits: 3, bits: 12 },
  { prefix: 0b1110, prefixBits: 4, bits: 20 },
  { prefix: 0b11110, prefixBits: 5, bits: 32 },
  { prefix: 0b11111, prefixBits: 5, bits: 64 },
] as const;

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function signedBits(value: number): number {
  if (value === 0) return 1;
  const z = zigzag(value);
  for (const field of FIELDS) if (z < 2 ** field.bits) return field.prefixBits + field.bits;
  return 69;
}

function writeSigned(out: BitWriter, value: number): void {
  if (value === 0) {
    out.write(0, 1);
    return;
  }
  const z = zigzag(value);
  for (const field of FIELDS) {
    if (z < 2 ** field.bits) {
      out.write(field.prefix, field.prefixBits);
      out.writeWide(z, field.bits);
      return;
    }
  }
}

function readSigned(input: BitReader): number {
  let ones = 0;
  while (ones < 5 && input.readBit()) ones++;
  if (ones === 0) return 0;
  const field = FIELDS[ones - 1] as (typeof FIELDS)[number];
  const z = input.readWide(field.bits);
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function integerBits(values: readonly number[], ofDeltas: boolean): number {
  let bits = signedBits(values[0] as number);
  let previousStep = 0;
  for (let i = 1; i < values.length; i++) {
    const step = (values[i] as number) - (values[i - 1] as number);
    bits += signedBits(ofDeltas ? step - previousStep : step);
    previousStep = step;
  }
  return bits;
}

function writeIntegers(out: BitWriter, values: readonly number[], ofDeltas: boolean): void {
  writeSigned(out, values[0] as number);
  let previousStep = 0;
  for (let i = 1; i < values.length; i++) {
    const step = (values[i] as number) - (values[i - 1] as number);
    writeSigned(out, ofDeltas ? step - previousStep : step);
    previousStep = step;
  }
}

// Doubles as two 32-bit halves, explicitly little-endian so the format is the same on any CPU.
const view = new DataView(new ArrayBuffer(8));

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function writeXor(out: BitWriter, values: readonly number[]): void {
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

function readXor(input: BitReader, values: number[]): void {
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
