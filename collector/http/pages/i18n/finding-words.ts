// What a finding of the inspection summary needs to be said as a sentence in a language: the
// formatting it may use and the shape of each sentence (the catalogue has one per finding code).
import type { Finding } from "../../../inspection/findings.js";

/** The formatting a finding's sentence needs (index.ts, Formatter). */
export interface Say {
  percent(ratio: number): string;
  duration(ms: number): string;
  date(ms: number): string;
  number(value: number): string;
  /** A category's name in words, from its code. */
  category(code: string): string;
}

/** The inspection summary's findings said as a sentence. */
export type FindingCode = Finding["code"];
export type FindingText = (
  f: Say,
  n: (key: string) => number,
  text: (key: string) => string,
) => string;
