// English notifications, for routes with lang: en.
import type { Words } from "./words.js";

export const en: Words = {
  prefix: "[giamsat]",
  subject: {
    problems: (n) => (n === 1 ? "incident" : `${n} incidents`),
    resolved: (n) => (n === 1 ? "resolved" : `${n} incidents resolved`),
    repeat: (n) => `${n} still open`,
    linkDown: (n) => `data-center link down, ${n} checks affected`,
    linkBack: "data-center link restored",
    collector: "Monitoring server",
    test: "test message",
    summary: (p) => `inspection summary for ${p}`,
    citySummary: (p) => `City summary for ${p}`,
  },
  open: {
    check: (s) => `${s.category}: ${s.what} is down since ${s.since} (${s.reason}).`,
    silence: (s) => `Agent ${s.what} has sent nothing since ${s.since}.`,
    link: (s) =>
      `The link to the data center is down since ${s.since} (check ${s.what}: ${s.reason}).`,
    certificate: (s, days, date) =>
      `The certificate of ${s.what} expires on ${date}, in ${days} days: renew it.`,
    buffer: (s) =>
      `Agent ${s.what} is dropping data because its buffer is full (since ${s.since}).`,
    disk: (s) => `The monitoring server's disk is almost full: only ${s.what} free.`,
    remote_write: (s) => `The monitoring server is dropping samples forwarded to ${s.what}.`,
  },
  resolved: {
    check: (s) => `${s.category}: ${s.what} is back at ${s.until} (down for ${s.lasted}).`,
    silence: (s) => `Agent ${s.what} reports again since ${s.until} (${s.lasted}).`,
    link: (s) => `The link to the data center is back at ${s.until} (down for ${s.lasted}).`,
    certificate: (s) => `The certificate of ${s.what} was renewed.`,
    buffer: (s) => `Agent ${s.what} no longer drops data.`,
    disk: () => "The monitoring server's disk has room again.",
    remote_write: (s) => `Samples forwarded to ${s.what} are no longer dropped.`,
  },
  repeat: (s) => `Still not resolved: ${s.what} down since ${s.since} (${s.lasted}).`,
  affected: "Affected checks",
  recovered: "recovered",
  stillDown: "still down",
  table: { what: "Check", state: "State", since: "Since", reason: "Reason" },
  states: { open: "Down", resolved: "Resolved", repeat: "Still down" },
  unitPage: "Details",
  footer: (key) => `Sent automatically by giamsat; times in Vietnam time. Message key: ${key}`,
  testBody: (channel) =>
    `A test message from giamsat through the channel "${channel}". If you read it, the channel works.`,
  weekly: {
    subject: (from, to) => `incidents of the week ${from} – ${to}`,
    intro: (unit, from, to) => `The incidents of ${unit} in the week ${from} – ${to}.`,
    none: "No incident this week.",
    count: (n, downtime) => `${n} incidents, ${downtime} of downtime in all.`,
    stillOpen: "still open",
  },
  summary: {
    intro: (unit, p) => `Inspection summary of ${unit} for ${p}.`,
    cityIntro: (p, n) => `City summary for ${p}, ${n} units.`,
    availability: "Availability",
    coverage: "Data coverage",
    incidents: "Incidents",
    downtime: "Time down",
    findings: "Findings",
    noFindings: "No findings.",
    signedOff: (by, date) => `Inspection signed off by ${by} on ${date}.`,
    notSignedOff: "Not signed off for this period yet.",
    report: "Printable report",
    attached: "The detailed figures are in the attached CSV file.",
    overall: "Whole unit",
    unit: "Unit",
  },
};
