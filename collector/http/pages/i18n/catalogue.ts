// The shape every language's strings must fill: adding a key here makes each catalogue incomplete
// until it is translated, so no page can show an untranslated string.

import type { Category } from "../../../../shared/categories.js";
import type { Reason } from "../../../../shared/protocol.js";
import type { AuditAction } from "../../../auth/audit.js";
import type { ConditionLevel } from "../../../inspection/condition.js";
import type { SignoffProblem } from "../../../inspection/signoffs.js";
import type { TimelineState } from "../../../inspection/timeline.js";
import type { DiscoveryWords } from "./discovery-words.js";
import type { FindingCode, FindingText } from "./finding-words.js";
import type { CentralWords, FleetWords } from "./fleet-words.js";
import type { MaintenanceFormWords } from "./maintenance-words.js";

/** A category's or check's status as leaders read it; no checks is not the same as no data. */
export type Status = "ok" | "degraded" | "down" | "no_data" | "no_checks";

/** Check kinds in leaders' words: the agent's table (probes/index.ts), held to it by a test. */
const DEVICE_KINDS = ["host", "ping", "snmp", "printer", "ups"] as const;
const SERVICE_KINDS = ["http", "tls", "tcp", "dns", "process"] as const;
export const KINDS = [...DEVICE_KINDS, ...SERVICE_KINDS] as const;
export type Kind = (typeof KINDS)[number];

/** What a unit's condition says, given the words it needs (pages/condition.ts fills them in). */
export interface ConditionWords {
  not_set_up: (enrolled: number) => string;
  silent: (since: string) => string;
  down: (category: string, check: string, reason: string, more: number) => string;
  degraded: (
    category: string,
    down: number,
    checks: number,
    check: string,
    reason: string,
  ) => string;
  partial: (categories: string) => string;
  ok: string;
  /** Added after the condition when incidents are open. */
  openIncidents: (count: number) => string;
  /** What to do about a unit without a working agent. */
  notSetUpAdvice: string;
  /** Under a down category when the unit's link to the data center is down too. */
  linkDown: string;
}

export interface Catalogue {
  locale: string;
  languageName: string;
  otherLanguage: string;
  /** The site's name under giamsat. */
  title: string;
  nav: { overview: string; cityReport: string; audit: string; fleet: string; label: string };
  categories: Record<Category, string>;
  categoryLong: Record<Category, string>;
  status: Record<Status, string>;
  timeline: Record<TimelineState, string> & { heading: string; legend: string; now: string };
  reasons: Record<Reason | "silent" | "link", string>;
  kinds: Record<Kind, string>;
  roles: { city: string; unit: string; leader: string; operator: string; admin: string };
  period: {
    month: (month: number, year: number) => string;
    quarter: (quarter: string, year: number) => string;
    year: (year: number) => string;
    label: string;
    choose: string;
    show: string;
    previous: string;
    next: string;
  };
  windows: { label: string; "24h": string; "7d": string; "30d": string };
  conditions: ConditionWords;
  conditionLevels: Record<ConditionLevel, string>;
  /** "Technical details" for IT staff, behind a <details>. */
  technical: string;
  yes: string;
  no: string;
  overview: {
    heading: string;
    totals: {
      caption: string;
      units: (n: number) => string;
      problems: (n: number) => string;
      silent: (n: number) => string;
      notSetUp: (n: number) => string;
      signed: (n: number, of: number, period: string) => string;
    };
    caption: string;
    unit: string;
    condition: string;
    signedIn: (period: string) => string;
    signed: string;
    notSigned: string;
    sortWorst: string;
    sortName: string;
    noUnits: string;
    lastData: (when: string) => string;
  };
  unit: {
    leader: string;
    contact: string;
    people: string;
    condition: string;
    checks: string;
    check: string;
    kind: string;
    state: string;
    availability: string;
    target: string;
    coverage: string;
    incidentsOpen: string;
    incidents: string;
    started: string;
    ended: string;
    duration: string;
    cause: string;
    causedByLink: string;
    /** Beside a check's availability: the time left out of it, a parent's fault. */
    unreachable: (duration: string) => string;
    equipment: string;
    devices: string;
    noIncidents: string;
    noInventory: string;
    noChecks: string;
    report: string;
    agents: string;
    lastSeen: string;
    never: string;
    inactive: string;
    revoked: string;
    /** What an agent's buffer lost in the window: corrupt files found, samples dropped. */
    bufferLost: (corruptFiles: number, samples: string) => string;
    software: string;
    interfaces: string;
    taken: string;
    months: string;
    monthsCaption: (target: string) => string;
    noMonths: string;
  };
  incidents: {
    count: (n: number, window: string) => string;
    showing: (first: number, last: number, of: number) => string;
    page: (page: number, pages: number) => string;
    newer: string;
    older: string;
    open: string;
  };
  changes: {
    heading: string;
    none: string;
    first: string;
    memory: string;
    os: string;
    cpu: string;
    machine: string;
    added: (what: string) => string;
    removed: (what: string) => string;
    more: (n: number) => string;
  };
  report: {
    heading: string;
    kind: string;
    title: (period: string) => string;
    cityTitle: (period: string) => string;
    number: string;
    dated: (place: string, day: string, month: string, year: string) => string;
    nation: string;
    motto: string;
    intro: (unit: string, period: string, from: string, to: string) => string;
    cityIntro: (units: number, period: string, from: string, to: string) => string;
    overallHeading: string;
    overall: (availability: string, target: string, coverage: string) => string;
    disruptedLine: (time: string, incidents: number, open: number) => string;
    categoriesHeading: string;
    category: string;
    disrupted: string;
    incidentsCol: string;
    assessment: string;
    met: string;
    /** The ranking's verdict on a unit short of the target in some categories. */
    failing: (n: number, of: number) => string;
    notMet: string;
    noChecks: string;
    noData: string;
    lowCoverage: string;
    findingsHeading: string;
    moreFindings: (n: number) => string;
    longest: string;
    moreIncidents: (n: number) => string;
    truncated: (n: number) => string;
    worstChecks: string;
    /** Categories the table marks as not met, in one line. */
    shortfall: (n: number, of: number, target: string, names: string) => string;
    moreChecks: (n: number) => string;
    signoffsHeading: string;
    signoffLine: (date: string, who: string, account: string, at: string) => string;
    moreSignoffs: (n: number) => string;
    notSigned: string;
    recipients: string;
    defaultRecipients: readonly string[];
    signature: string;
    generated: (when: string) => string;
    untilNow: (when: string) => string;
    definitions: string;
    print: string;
    printHint: string;
    back: string;
    exportCsv: string;
    ranking: string;
    rank: string;
    overallCol: string;
    signedCol: string;
    unitReport: string;
    /** Planned maintenance in the period, apart from downtime. */
    planned: string;
    /** After the availability: "outside 4 h 20 min of planned work". */
    outsidePlanned: (duration: string) => string;
    plannedCount: (count: number) => string;
    reason: string;
  };
  signoff: {
    heading: string;
    history: string;
    none: string;
    period: string;
    date: string;
    findings: string;
    actions: string;
    statement: (unit: string) => string;
    confirm: string;
    submit: string;
    signedBy: string;
    recordedAt: string;
    saved: (period: string, at: string) => string;
    notAllowed: string;
    problems: Record<SignoffProblem, string>;
    fix: string;
  };
  findings: Record<FindingCode, FindingText>;
  /** The unit page's list of notifications sent about the unit. */
  fleet: FleetWords;
  central: CentralWords;
  discovery: DiscoveryWords;
  maintenance: {
    heading: string;
    none: string;
    /** On now, until a time. */
    now: (until: string) => string;
    next: (from: string, to: string) => string;
    every: Record<"once" | "daily" | "weekly" | "monthly", string>;
    by: (who: string) => string;
  };
  maintenanceForm: MaintenanceFormWords;
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
  csv: {
    unit: string;
    period: string;
    category: string;
    checks: string;
    availability: string;
    coverage: string;
    disrupted: string;
    incidents: string;
    open: string;
    findings: string;
    all: string;
    planned: string;
    /** A category's time unreachable because a check it depends on was down. */
    unreachable: string;
    /** The time checks depending on the category's were unreachable because of them. */
    causedUnreachable: string;
  };
  errors: {
    titles: Record<400 | 403 | 404 | 405 | 429 | 500 | 503, string>;
    explain: Record<400 | 403 | 404 | 405 | 429 | 500 | 503, string>;
    home: string;
    back: string;
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
    caption: string;
    when: string;
    who: string;
    what: string;
    unit: string;
    /** The agent or user acted on. */
    target: string;
    detail: string;
    older: string;
    actions: Record<AuditAction, string>;
  };
  /** A unit's enrollment codes: made here, handed to whoever installs the unit's agents. */
  codes: {
    heading: string;
    intro: string;
    create: string;
    uses: string;
    expires: string;
    days: (n: number) => string;
    made: string;
    showOnce: string;
    install: string;
    code: string;
    createdAt: string;
    createdBy: string;
    used: string;
    state: string;
    active: string;
    expired: string;
    usedUp: string;
    revoked: string;
    revoke: string;
    none: string;
    link: string;
  };
}

/** The strings of the documents and forms, kept in a file of their own per language. */
export type DocumentStrings = Pick<
  Catalogue,
  "report" | "signoff" | "findings" | "csv" | "errors" | "auth" | "audit"
>;
