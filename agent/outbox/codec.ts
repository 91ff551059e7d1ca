// The outbox's row format: a row's three JSON fragments, deflated against a dictionary fixed per
// format number. The number is stored with each row, so rows of every earlier format stay readable
// after an upgrade. A new format gets the next number and its own frozen dictionary, never a change
// to an old one; the file's layout version (rows.ts) is raised with it, so an older agent refuses
// a file holding rows it cannot read rather than send them garbled.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { DICTIONARY_V1 } from "./format-v1.js";

/** The JSON texts of a row's results, samples and inventory: array items without the brackets. */
export interface Fragments {
  results: string;
  samples: string;
  inventory: string;
}

interface Format {
  dictionary: Buffer;
  /** zlib settings that only affect writing; any window reads back with the default one. */
  windowBits: number;
  memLevel: number;
}

/**
 * Entries are stored deflated against a dictionary of what every entry repeats (field and label
 * names, metric names), which makes a typical entry several times smaller: a 256 MiB outbox then
 * holds days of results instead of hours. A 4 KiB window holds the dictionary and a typical entry;
 * zlib's default 32 KiB costs more to set up.
 */
const FORMATS: ReadonlyMap<number, Format> = new Map([
  [1, { dictionary: DICTIONARY_V1, windowBits: 12, memLevel: 5 }],
]);

/** The format new rows are written in. */
export const CURRENT_FORMAT = 1;

/** Newest format this agent reads. */
export const NEWEST_FORMAT = Math.max(...FORMATS.keys());

/** Separates the three fragments; raw U+0000 cannot occur inside JSON text. */
const SEPARATOR = "\u0000";

function format(number: number): Format {
  const found = FORMATS.get(number);
  if (!found) {
    throw new Error(
      `outbox row format ${number} is unknown to this agent (it reads 1-${NEWEST_FORMAT})`,
    );
  }
  return found;
}

export function encodeRow(fragments: Fragments): { format: number; body: Buffer } {
  const { dictionary, windowBits, memLevel } = format(CURRENT_FORMAT);
  const text = `${fragments.results}${SEPARATOR}${fragments.samples}${SEPARATOR}${fragments.inventory}`;
  return {
    format: CURRENT_FORMAT,
    body: deflateRawSync(text, { dictionary, windowBits, memLevel }),
  };
}

export function decodeRow(formatNumber: number, body: Buffer): Fragments {
  const { dictionary } = format(formatNumber);
  const [results = "", samples = "", inventory = ""] = inflateRawSync(body, { dictionary })
    .toString()
    .split(SEPARATOR);
  return { results, samples, inventory };
}
