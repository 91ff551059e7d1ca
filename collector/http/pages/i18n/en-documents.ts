// English strings of the documents and forms: the printed report, sign-off, findings, the CSV
// export, error pages, login and the audit log.
import type { DocumentStrings } from "./catalogue.js";

export const enDocuments: DocumentStrings = {
  report: {
    heading: "Periodic inspection report",
    kind: "REPORT",
    title: (period) => `IT infrastructure inspection, ${period}`,
    cityTitle: (period) =>
      `IT infrastructure inspection of the city's agencies and units, ${period}`,
    number: "No.          /BC",
    dated: (place, day, month, year) => `${place ? `${place}, ` : ""}${day}/${month}/${year}`,
    nation: "SOCIALIST REPUBLIC OF VIET NAM",
    motto: "Independence - Freedom - Happiness",
    intro: (unit, period, from, to) =>
      `From the figures of the IT infrastructure monitoring system, ${unit} reports the inspection ` +
      `of ${period} (${from} to ${to}):`,
    cityIntro: (units, period, from, to) =>
      `From the figures of the monitoring system, the IT infrastructure inspection of ${units} ` +
      `agencies and units for ${period} (${from} to ${to}):`,
    overallHeading: "1. Overall",
    overall: (availability, target, coverage) =>
      `Availability of the infrastructure: ${availability} (target ${target}); coverage: ${coverage}.`,
    disruptedLine: (time, incidents, open) =>
      `Time with a check down: ${time}; ${incidents} incident(s)` +
      (open > 0 ? `, ${open} of them still open.` : "."),
    categoriesHeading: "2. By category",
    category: "Category",
    disrupted: "Time down",
    incidentsCol: "Incidents",
    assessment: "Assessment",
    met: "Met",
    failing: (n, of) => `Short in ${n} of ${of} categories`,
    notMet: "Not met",
    noChecks: "No checks",
    noData: "No figures",
    lowCoverage: "Too few figures",
    findingsHeading: "3. Findings",
    moreFindings: (n) => `and ${n} more finding(s) (see the system).`,
    longest: "Longest incidents",
    moreIncidents: (n) => `and ${n} other incident(s) (full list on the unit's page).`,
    truncated: (n) => `Incident figures count the latest ${n} incidents.`,
    worstChecks: "Checks down longest",
    shortfall: (n, of, target, names) =>
      `${n} of ${of} categories fall short (${target} available, with enough figures): ${names}.`,
    moreChecks: (n) => `and ${n} other check(s)`,
    signoffsHeading: "4. Sign-off by the leader",
    signoffLine: (date, who, account, at) =>
      `Inspected ${date}: ${who} (account ${account}) signed at ${at}.`,
    moreSignoffs: (n) => `and ${n} more sign-off(s) (see the system).`,
    notSigned: "The unit's leader has not signed this period off yet.",
    recipients: "To:",
    defaultRecipients: [
      "the city's Steering Board 112 (for its report);",
      "the city's integrated data center;",
      "file.",
    ],
    signature: "HEAD OF UNIT",
    generated: (when) => `Drawn from the monitoring system at ${when}.`,
    untilNow: (when) => `The period is not over: figures up to ${when}.`,
    definitions:
      "Availability: time up divided by the time with figures. Time down: time when at least one " +
      "check was in an incident, counted once however many checks were down.",
    print: "Print the report",
    printHint:
      "Print view: press Ctrl+P (⌘P on a Mac), choose A4 paper and turn off the browser's “Headers and footers”.",
    back: "Back to the report",
    exportCsv: "Download the figures (CSV)",
    ranking: "Units ranked by availability",
    rank: "No.",
    overallCol: "Availability",
    signedCol: "Signed off",
    unitReport: "The unit's report",
    planned: "Planned maintenance",
    outsidePlanned: (d) => `outside ${d} of planned work`,
    plannedCount: (n) => `${n} time(s)`,
    reason: "Reason",
  },
  signoff: {
    heading: "Inspection sign-off",
    history: "Sign-offs",
    none: "No sign-off yet.",
    period: "Period inspected",
    date: "Date of inspection",
    findings: "The leader's findings",
    actions: "Actions to take (if any)",
    statement: (unit) =>
      `By signing, I — the leader in charge of IT of ${unit} — confirm that I have reviewed the ` +
      "monitoring results of the unit's IT infrastructure for the chosen period and answer for the " +
      "findings and actions written below. The sign-off is kept with the account and time of " +
      "signing and cannot be changed or deleted; to correct it, sign a new one.",
    confirm: "I have read and confirm the statement above.",
    submit: "Sign off",
    signedBy: "Signed by",
    recordedAt: "Signed at",
    saved: (period, at) => `The sign-off of ${period} was saved at ${at}.`,
    notAllowed:
      "Only the unit's leader in charge of IT (an account marked as leader) can sign off; other " +
      "accounts can read the sign-offs.",
    problems: {
      period_invalid: "The period is not valid.",
      period_not_over: "This period is not over: only a past period can be signed off.",
      date_invalid: "The date of inspection is not valid.",
      date_before_period: "The date of inspection cannot be before the period's first day.",
      date_future: "The date of inspection cannot be in the future.",
      findings_missing: "Please write your findings.",
      text_too_long: "Findings and actions are 4,000 characters at most each.",
      form_invalid: "The form is not as expected; please reload the page and fill it in again.",
      not_confirmed: "Please tick the confirmation before signing.",
    },
    fix: "The sign-off was not saved:",
  },
  findings: {
    no_checks: () => "No check is configured.",
    no_data: () => "No figures arrived in the period.",
    low_coverage: (f, n) =>
      `Figures cover only ${f.percent(n("coverage"))} of the time ` +
      `(target ${f.percent(n("target"))}); the results are not yet reliable.`,
    low_availability: (f, n) =>
      `Availability ${f.percent(n("availability"))}, below the ${f.percent(n("target"))} target; ` +
      `a check was down for ${f.duration(n("disruptedMs"))}.`,
    all_up: (f, n) => `Up throughout the period (${f.percent(n("availability"))}).`,
    available: (f, n) => `Meets the availability target (${f.percent(n("availability"))}).`,
    open_incidents: (_f, n) => `${n("count")} incident(s) still open.`,
    incidents: (f, n) =>
      `${n("count")} incident(s); a check was down for ${f.duration(n("disruptedMs"))} in all, ` +
      `the longest incident ${f.duration(n("longestMs"))}.`,
    unreachable_because_of_parent: (f, n, text) =>
      `Unreachable for ${f.duration(n("unreachableMs"))} because ` +
      `${text("parent") || "another check"}` +
      `${text("parentCategory") ? ` (${f.category(text("parentCategory"))})` : ""} was down` +
      `${n("others") > 0 ? ` (and ${n("others")} other check(s))` : ""}; ` +
      "this time counts against the category at fault, not this category's availability.",
    caused_unreachable: (f, n) =>
      `Its failures made the checks depending on it unreachable for ` +
      `${f.duration(n("unreachableMs"))} in all.`,
    certificate_expired: (f, n, text) =>
      `The certificate of ${text("title") || text("check")} expired on ${f.date(n("notAfter"))}.`,
    certificate_expiring: (f, n, text) =>
      `The certificate of ${text("title") || text("check")} expires in ${n("daysLeft")} days ` +
      `(${f.date(n("notAfter"))}).`,
    inventory_changed: (_f, n) => `${n("count")} equipment change(s) in the period.`,
    agent_silent: (f, n) =>
      `The monitoring agent was silent ${n("count")} time(s), ${f.duration(n("silentMs"))} in all: ` +
      "no figures for that time.",
    agent_data_lost: (f, n, text) =>
      (n("corruptFiles") > 0
        ? `The buffer of monitoring agent ${text("agents")} was found corrupt ${n("corruptFiles")} time(s); `
        : `The buffer of monitoring agent ${text("agents")} was full or could not be written; `) +
      `about ${f.number(n("samples"))} figures not yet sent were lost, so the period's figures are incomplete.`,
    no_agent: (_f, n) =>
      n("enrolled") > 0
        ? "A monitoring agent was enrolled but never connected: the unit is not monitored."
        : "No monitoring agent installed: the unit is not monitored and there are no figures to assess.",
    ups_on_battery: (f, n, text) =>
      `UPS ${text("checks")} ran on battery for about ${f.duration(n("onBatteryMs"))} ` +
      "in the period: the mains power was out or unstable.",
    supply_low: (_f, n, text) =>
      `Printer supplies below ${Math.round(n("below") * 100)}%, to replace soon: ${text("supplies")}.`,
    lan_devices: (_f, n) =>
      `${n("appeared")} new device(s) on the LAN in the period, ${n("gone")} gone ` +
      "(from the discovery runs).",
    mostly_planned: (f, n) =>
      `Planned maintenance took ${f.percent(n("share"))} of the period (${f.duration(n("plannedMs"))}): ` +
      "availability speaks only for the rest.",
  },
  csv: {
    unit: "Unit",
    period: "Period",
    category: "Category",
    checks: "Checks",
    availability: "Availability (%)",
    coverage: "Coverage (%)",
    disrupted: "Time with a check down (minutes)",
    incidents: "Incidents",
    open: "Open incidents",
    findings: "Findings",
    all: "Whole unit",
    planned: "Planned maintenance (minutes)",
    unreachable: "Unreachable because another check was down (minutes)",
    causedUnreachable: "Made dependent checks unreachable (minutes)",
  },
  errors: {
    titles: {
      400: "The request was not accepted",
      403: "Not allowed",
      404: "Page not found",
      405: "Not supported here",
      429: "Too many requests",
      500: "Something went wrong",
      503: "Busy",
    },
    explain: {
      400: "The page's address or what was sent is not right; the details are below.",
      403: "Your account may not see or do this. Ask an administrator if you need to.",
      404: "There is no such page, or the unit is not in the configuration.",
      405: "This page does not take what was sent.",
      429: "Too many requests in a short time; please try again in a few minutes.",
      500: "The page could not be made. Please try again in a few minutes; if it persists, tell the operators.",
      503: "The system is busy; please try again in a few seconds.",
    },
    home: "Go to the overview",
    back: "Back to the previous page",
  },
  auth: {
    off: "Logins are off (web.auth: false): the collector takes requests from this machine only.",
    login: "Log in",
    logout: "Log out",
    name: "Name",
    password: "Password",
    failed: "Wrong name or password.",
    throttled: (seconds) => `Too many failed logins: try again in ${seconds} s.`,
  },
  audit: {
    heading: "Audit log",
    caption: "What was done, newest first; Vietnam time",
    when: "When",
    who: "Who",
    what: "What",
    unit: "Unit",
    target: "Agent or user",
    detail: "Detail",
    older: "Older ›",
    actions: {
      enroll: "Enrolled a monitoring agent",
      revoke: "Revoked an agent's token",
      rotate: "Rotated an agent's token",
      signoff: "Signed off an inspection",
      "user.add": "Added a user",
      "user.remove": "Removed a user",
      "user.password": "Changed a password",
      "code.create": "Made an enrollment code",
      "code.revoke": "Revoked an enrollment code",
      notify: "Notification sent",
      "notify.test": "Test notification sent",
      "maintenance.create": "Planned maintenance",
      "central.update": "Central checks changed",
      "maintenance.end": "Ended planned maintenance early",
      "discovery.start": "Started a discovery of the unit's network",
      "discovery.refused": "Refused a discovery of a network the unit does not own",
      "discovery.decide": "Approved or ignored a discovered device",
      upgrade: "An agent offered an upgrade, or reporting a step of one",
    },
  },
};
