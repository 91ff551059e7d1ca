// Raw chunks of format 1, as earlier releases wrote them (chunk-codec.ts writes format
// 2): frozen, read for as long as such chunks are kept. Timestamps as delta-of-delta in fields of
// '0', '10'+7 bits, '110'+12, '1110'+20, '11110'+32, '11111'+64 (zigzag); values after two bits of
// mode: XOR (value-codec.ts), or 4 bits of decimals and the scaled integers as deltas or deltas
// of deltas in the same fields.
import type { BitReader } from "./bits.js";
import type { Samples } from "./chunk-codec.js";
import { readXor } from "./value-codec.js";

const MODE_XOR = 0;
const MODE_DELTA_OF_DELTA = 2;
const FIELD_BITS = [7, 12, 20, 32, 64] as const;

function readSigned(input: BitReader): number {
  let ones = 0;
  while (ones < 5 && input.readBit()) ones++;
  if (ones === 0) return 0;
  const z = input.readWide(FIELD_BITS[ones - 1] as number);
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** The samples of a format 1 chunk whose format and count were read. */
export function readFormat1(input: BitReader, count: number): Samples {
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
    return { ts, values };
  }
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
  return { ts, values };
}
