// The words of notifications, per language: the shape each language's strings must fill, so a new
// sentence does not compile until it is translated. Categories, reasons, findings, dates and
// durations come from the pages' catalogue (collector/http/pages/i18n): a message says a reason in
// the same words as the unit page.
import type { Formatter } from "../../http/pages/i18n/index.js";

/** What a sentence about one item may use. */
export interface Said {
  f: Formatter;
  /** The check (or agent, endpoint) it is about. */
  what: string;
  /** "Website chuyên ngành" etc., or "" without a category. */
  category: string;
  /** The reason in plain words, with the probe's own words after it. */
  reason: string;
  since: string;
  until: string;
  /** How long it lasted, or has lasted so far. */
  lasted: string;
}

type Sentence = (s: Said) => string;

export interface Words {
  /** Subjects: "{unit}: ..." follows the prefix. */
  prefix: string;
  subject: {
    problems: (count: number) => string;
    resolved: (count: number) => string;
    repeat: (count: number) => string;
    linkDown: (affected: number) => string;
    linkBack: string;
    collector: string;
    test: string;
    summary: (period: string) => string;
    citySummary: (period: string) => string;
  };
  open: Record<"check" | "silence" | "link" | "buffer" | "disk" | "remote_write", Sentence> & {
    certificate: (s: Said, daysLeft: number, notAfter: string) => string;
  };
  resolved: Record<
    "check" | "silence" | "link" | "certificate" | "buffer" | "disk" | "remote_write",
    Sentence
  >;
  repeat: Sentence;
  affected: string;
  recovered: string;
  stillDown: string;
  table: { what: string; state: string; since: string; reason: string };
  states: { open: string; resolved: string; repeat: string };
  unitPage: string;
  footer: (key: string) => string;
  testBody: (channel: string) => string;
  weekly: {
    subject: (from: string, to: string) => string;
    intro: (unit: string, from: string, to: string) => string;
    none: string;
    count: (incidents: number, downtime: string) => string;
    stillOpen: string;
  };
  summary: {
    intro: (unit: string, period: string) => string;
    cityIntro: (period: string, units: number) => string;
    availability: string;
    coverage: string;
    incidents: string;
    downtime: string;
    findings: string;
    noFindings: string;
    signedOff: (by: string, date: string) => string;
    notSignedOff: string;
    report: string;
    attached: string;
    overall: string;
    unit: string;
  };
}
