// The shape every language's strings must fill: adding a key here makes each catalogue incomplete
// until it is translated, so no page can show an untranslated string.
import type { Category } from "../../../../shared/categories.js";
import type { Reason } from "../../../../shared/protocol.js";
import type { Finding } from "../../../inspection/findings.js";

export type Status = "ok" | "degraded" | "down" | "no_data";

/** The formatting a finding's sentence needs (index.ts, Formatter). */
export interface Say {
  percent(ratio: number): string;
  duration(ms: number): string;
  date(ms: number): string;
}

/** The inspection summary's findings said as a sentence. */
export type FindingCode = Finding["code"];
export type FindingText = (
  f: Say,
  n: (key: string) => number,
  text: (key: string) => string,
) => string;

export interface Catalogue {
  locale: string;
  languageName: string;
  otherLanguage: string;
  title: string;
  categories: Record<Category, string>;
  categoryLong: Record<Category, string>;
  status: Record<Status, string>;
  reasons: Record<Reason | "silent" | "link", string>;
  overview: {
    heading: string;
    window: string;
    unit: string;
    openIncidents: string;
    lastData: string;
    inspected: string;
    notInspected: string;
    sortWorst: string;
    sortName: string;
    noUnits: string;
    steeringBoard: string;
    linkDown: string;
  };
  unit: {
    leader: string;
    contact: string;
    checks: string;
    check: string;
    kind: string;
    state: string;
    availability: string;
    coverage: string;
    trend: string;
    incidentsOpen: string;
    incidentsRecent: string;
    started: string;
    ended: string;
    duration: string;
    cause: string;
    causedByLink: string;
    equipment: string;
    devices: string;
    noIncidents: string;
    noInventory: string;
    report: string;
    agents: string;
    lastSeen: string;
    never: string;
    inactive: string;
    revoked: string;
    software: string;
    interfaces: string;
    window: string;
  };
  report: {
    heading: string;
    period: string;
    generated: string;
    findings: string;
    downtime: string;
    incidents: string;
    certificates: string;
    expiresOn: string;
    changes: string;
    noChanges: string;
    noCertificates: string;
    ranking: string;
    rank: string;
    print: string;
    exportCsv: string;
    exportJson: string;
    city: string;
    untilNow: string;
    /** Planned maintenance in the period, apart from downtime. */
    planned: string;
    /** After the availability: "outside 4 h 20 min of planned work". */
    outsidePlanned: (duration: string) => string;
    plannedCount: (count: number) => string;
    reason: string;
  };
  signoff: {
    heading: string;
    name: string;
    date: string;
    findings: string;
    actions: string;
    submit: string;
    recorded: string;
    none: string;
    history: string;
    by: string;
    saved: string;
    notAllowed: string;
  };
  findings: Record<FindingCode, FindingText>;
  /** The unit page's list of notifications sent about the unit. */
  notifications: {
    heading: string;
    none: string;
    when: string;
    what: string;
    channel: string;
    to: string;
    state: string;
    states: Record<"queued" | "sent" | "failed" | "dropped", string>;
    attempts: (n: number) => string;
  };
  auth: {
    /** Shown on every page when web.auth is false. */
    off: string;
    login: string;
    logout: string;
    name: string;
    password: string;
    failed: string;
    /** Past the limit of failed logins from one address. */
    throttled: (seconds: number) => string;
  };
  audit: {
    heading: string;
    when: string;
    who: string;
    what: string;
    unit: string;
    /** The agent or user acted on. */
    target: string;
    detail: string;
    older: string;
  };
}
