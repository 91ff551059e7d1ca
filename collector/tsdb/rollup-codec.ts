// One owner's rollup buckets of one time span (a series' 5-minute buckets of a day, a scope's
// hours of eight days, ...) in a chunk: which buckets of the span are there, then each column
// (count, min, ..., or up, observed, ...) on its own, byte-aligned and preceded by its length, so a
// reader decodes only the columns it needs. Bucket offsets and every column are lists of the same
// codecs as raw samples (integer-codec.ts, value-codec.ts): a span with every bucket present is
// a run of ones, a column that holds the same value (full 5 minutes observed) a run of zeros.
// A column may hold no value for a bucket (null): a mask of which do, unless all or none do.
import { BitReader, BitWriter } from "./bits.js";
import { readIntegers, writeIntegers } from "./integer-codec.js";
import { readValues, writeValues } from "./value-codec.js";

const FORMAT = 1;
const NONE = 0;
const ALL = 1;
const MASK = 2;

export type Column = (number | null)[];

/** A span's buckets: their offsets in the span, ascending, and one entry per bucket per column. */
export interface RollupBlock {
  offsets: number[];
  columns: Column[];
}

function bytesOf(write: (out: BitWriter) => void): Uint8Array {
  const out = new BitWriter();
  write(out);
  return out.finish();
}

function writeColumn(out: BitWriter, column: Column): void {
  const values: number[] = [];
  for (const value of column) if (value !== null) values.push(value);
  if (values.length === 0) {
    out.write(NONE, 2);
    return;
  }
  if (values.length === column.length) {
    out.write(ALL, 2);
  } else {
    out.write(MASK, 2);
    writeIntegers(
      out,
      column.map((value) => (value === null ? 0 : 1)),
    );
  }
  writeValues(out, values);
}

function readColumn(bytes: Uint8Array, count: number): Column {
  const input = new BitReader(bytes);
  const presence = input.read(2);
  if (presence === NONE) return new Array<null>(count).fill(null);
  if (presence === ALL) return readValues(input, count);
  if (presence !== MASK) throw new RangeError(`rollup chunk is corrupt: presence ${presence}`);
  const mask = readIntegers(input, count);
  let present = 0;
  for (const flag of mask) present += flag;
  const values = readValues(input, present);
  const out: Column = new Array(count);
  let next = 0;
  for (let i = 0; i < count; i++) out[i] = mask[i] ? (values[next++] as number) : null;
  return out;
}

export function encodeRollups(block: RollupBlock): Uint8Array {
  const count = block.offsets.length;
  const parts = [bytesOf((out) => writeIntegers(out, block.offsets))];
  for (const column of block.columns) {
    if (column.length !== count) throw new RangeError("a rollup column has the wrong length");
    parts.push(bytesOf((out) => writeColumn(out, column)));
  }
  const header = new BitWriter();
  header.writeVarint(FORMAT);
  header.writeVarint(count);
  header.writeVarint(block.columns.length);
  for (const part of parts) header.writeVarint(part.length);
  const head = header.finish();
  const out = new Uint8Array(head.length + parts.reduce((sum, part) => sum + part.length, 0));
  out.set(head);
  let at = head.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** How many buckets a rollup chunk holds, from its header alone. */
export function rollupCount(bytes: Uint8Array): number {
  const header = new BitReader(bytes);
  const format = header.readVarint();
  if (format !== FORMAT) throw new RangeError(`unknown rollup chunk format ${format}`);
  return header.readVarint();
}

/**
 * The offsets and the columns asked for (by index; `wanted` undefined: all of them) of a rollup
 * chunk; columns not asked for are left undefined and never decoded.
 */
export function decodeRollups(
  bytes: Uint8Array,
  wanted?: readonly number[],
): { offsets: number[]; columns: (Column | undefined)[] } {
  const header = new BitReader(bytes);
  const format = header.readVarint();
  if (format !== FORMAT) throw new RangeError(`unknown rollup chunk format ${format}`);
  const count = header.readVarint();
  const columnCount = header.readVarint();
  const lengths: number[] = [];
  for (let i = 0; i <= columnCount; i++) lengths.push(header.readVarint());
  let at = header.position;
  const part = (i: number) => {
    const start = at;
    at += lengths[i] as number;
    return bytes.subarray(start, at);
  };
  const offsets = readIntegers(new BitReader(part(0)), count);
  const columns: (Column | undefined)[] = new Array(columnCount);
  for (let c = 0; c < columnCount; c++) {
    const bytesOfColumn = part(c + 1);
    if (wanted === undefined || wanted.includes(c)) columns[c] = readColumn(bytesOfColumn, count);
  }
  return { offsets, columns };
}
