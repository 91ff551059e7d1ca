// A unit's inspection report for a period as the administrative document its leader signs and
// files: one A4 page whatever the number of checks and incidents. The body summarises (the
// categories' figures, the most important findings, the checks down longest, the longest
// incidents) and says how many more there are, never cutting a list silently; the complete lists
// are on the unit's page. The city summary (city-report.ts) repeats it for each unit.

import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { ReportsConfig } from "../../../shared/config/collector.js";
import { AVAILABILITY_TARGET, COVERAGE_TARGET, type Finding } from "../../inspection/findings.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type {
  CategorySummary,
  InspectionSummary,
  SummaryIncident,
} from "../../inspection/summary.js";
import { checkName, dataset, periodSpan, td, tdNum, th, thead, thNum } from "./components.js";
import { sayFinding } from "./findings.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";
import { incidentReason, incidentSubject } from "./incidents.js";
import { closing, letterhead } from "./letterhead.js";
import { day, signer } from "./signoff.js";

/** How many of each list one page holds. */
const FINDINGS_SHOWN = 4;
const CHECKS_SHOWN = 3;
const INCIDENTS_SHOWN = 3;
const SIGNOFFS_SHOWN = 2;

/** The numbers a reader compares between page, CSV and API, as raw values on data attributes. */
function figure(value: number | null): string {
  return value === null ? "" : String(value);
}

export function assessment(f: Formatter, c: CategorySummary): { text: string; bad: boolean } {
  const { t } = f;
  if (c.checks === 0) return { text: t.report.noChecks, bad: true };
  if (c.availability === null) return { text: t.report.noData, bad: true };
  if (c.availability < AVAILABILITY_TARGET) return { text: t.report.notMet, bad: true };
  if (c.coverage !== null && c.coverage < COVERAGE_TARGET)
    return { text: t.report.lowCoverage, bad: true };
  return { text: t.report.met, bad: false };
}

function categoryRow(f: Formatter, category: Category, c: CategorySummary): Html {
  const { t } = f;
  const attributes = dataset({
    category,
    availability: figure(c.availability),
    coverage: figure(c.coverage),
    incidents: c.incidents.count,
    "disrupted-ms": c.disruptedMs,
  });
  const verdict = assessment(f, c);
  return html`<tr ${attributes}>${[
    td(t.categoryLong[category], t.report.category),
    tdNum(f.percent(c.availability), t.unit.availability),
    tdNum(f.percent(c.coverage), t.unit.coverage),
    tdNum(c.incidents.count, t.report.incidentsCol),
    tdNum(f.duration(c.disruptedMs), t.report.disrupted),
    td(verdict.bad ? html`<strong>${verdict.text}</strong>` : verdict.text, t.report.assessment),
  ]}</tr>`;
}

/** The findings worth a line, most serious first: problems, then warnings. */
/** Findings the table already says, per category: they are summed up in one line instead. */
const IN_THE_TABLE = new Set<Finding["code"]>([
  "low_availability",
  "low_coverage",
  "no_checks",
  "no_data",
  "incidents",
  "all_up",
  "available",
]);

/** The findings worth a line of their own, most serious first: problems, then warnings. */
function importantFindings(s: InspectionSummary): Finding[] {
  const rank = { problem: 0, warning: 1, info: 2, ok: 3 } as const;
  const categories = s.categories.flatMap((c) =>
    c.findings.filter((x) => !IN_THE_TABLE.has(x.code)),
  );
  return [...s.findings, ...categories]
    .filter((x) => x.severity === "problem" || x.severity === "warning")
    .sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** One line for the categories the table marks as not met, unless the unit has no agent at all. */
function shortfall(f: Formatter, s: InspectionSummary): string | undefined {
  if (s.findings.some((x) => x.code === "no_agent")) return undefined;
  const failing = s.categories.filter((c) => assessment(f, c).bad);
  if (failing.length === 0) return undefined;
  const names = failing.map((c) => f.t.categories[c.category as Category]).join(", ");
  return f.t.report.shortfall(
    failing.length,
    s.categories.length,
    f.percent(AVAILABILITY_TARGET),
    names,
  );
}

function prefixed(f: Formatter, finding: Finding, categories: readonly CategorySummary[]): string {
  const owner = categories.find((c) => c.findings.includes(finding));
  const said = sayFinding(f, finding);
  return owner ? `${f.t.categories[owner.category as Category]}: ${said}` : said;
}

/** The checks whose incidents lasted longest, with their time down. */
function worstChecks(f: Formatter, incidents: readonly SummaryIncident[]): string | undefined {
  const byCheck = new Map<string, { name: string; ms: number }>();
  for (const i of incidents) {
    if (i.kind !== "check") continue;
    const key = `${i.agent}\u0000${i.check}`;
    const entry = byCheck.get(key) ?? { name: checkName(i), ms: 0 };
    entry.ms += i.downtimeMs;
    byCheck.set(key, entry);
  }
  const worst = [...byCheck.values()].filter((c) => c.ms > 0).sort((a, b) => b.ms - a.ms);
  if (worst.length === 0) return undefined;
  const named = worst.slice(0, CHECKS_SHOWN).map((c) => `${c.name} (${f.duration(c.ms)})`);
  const more = worst.length - named.length;
  return `${f.t.report.worstChecks}: ${named.join("; ")}${more > 0 ? `; ${f.t.report.moreChecks(more)}` : ""}.`;
}

function longestIncidents(f: Formatter, s: InspectionSummary): Html | "" {
  const { t } = f;
  if (s.incidents.length === 0) return "";
  const longest = [...s.incidents]
    .sort((a, b) => b.downtimeMs - a.downtimeMs)
    .slice(0, INCIDENTS_SHOWN);
  const said = longest.map(
    (i) =>
      `${f.dateTime(i.start)} ${incidentSubject(f, i)} — ${incidentReason(f, i)}, ${f.duration(i.downtimeMs)}`,
  );
  const more = s.incidents.length - longest.length;
  const tail = more > 0 ? ` ${t.report.moreIncidents(more)}` : ".";
  const cut = s.incidentsTruncated ? ` ${t.report.truncated(s.incidents.length)}` : "";
  return html`<li>${t.report.longest}: ${said.join("; ")}${tail}${cut}</li>`;
}

function findingsList(f: Formatter, s: InspectionSummary): Html {
  const { t } = f;
  const important = importantFindings(s);
  const short = shortfall(f, s);
  const shown = important
    .slice(0, FINDINGS_SHOWN)
    .map(
      (x) =>
        html`<li class="finding-${x.severity}" data-finding="${x.code}">${prefixed(f, x, s.categories)}</li>`,
    );
  const more =
    important.length > FINDINGS_SHOWN
      ? html`<li>${t.report.moreFindings(important.length - FINDINGS_SHOWN)}</li>`
      : "";
  const checks = worstChecks(f, s.incidents);
  const summary = short ? html`<li class="finding-problem">${short}</li>` : "";
  // Nothing serious to say: say the target was met, when it was.
  const availability = s.overall.availability;
  const met =
    shown.length === 0 && !short && availability !== null && availability >= AVAILABILITY_TARGET
      ? html`<li>${t.findings.available(
          f,
          () => availability,
          () => "",
        )}</li>`
      : "";
  return html`<ul class="tight">${summary}${shown}${more}${met}${checks ? html`<li>${checks}</li>` : ""}${longestIncidents(f, s)}</ul>`;
}

/** Every sign-off of the period: all on screen, the newest on paper with how many more. */
function signoffList(f: Formatter, signoffs: readonly Signoff[]): Html {
  const { t } = f;
  if (signoffs.length === 0) {
    return html`<section class="signoffs"><p data-signed="no">${t.report.notSigned}</p></section>`;
  }
  const lines = signoffs.map(
    (s, i) =>
      html`<li class="${i >= SIGNOFFS_SHOWN ? "beyond" : ""}" data-signoff="${s.id}">${t.report.signoffLine(day(f, s.date), signer(s), s.recordedBy, f.dateTime(s.recordedAt))} <span class="clamp">${s.findings}${s.actions ? ` — ${s.actions}` : ""}</span></li>`,
  );
  const more =
    signoffs.length > SIGNOFFS_SHOWN
      ? html`<li class="print-only">${t.report.moreSignoffs(signoffs.length - SIGNOFFS_SHOWN)}</li>`
      : "";
  return html`<section class="signoffs" data-signed="yes"><ul class="tight">${lines}${more}</ul></section>`;
}

/**
 * Planned maintenance of the period, apart from downtime: "available 99.9% outside 4 h 20 min of
 * planned work", how many times and why. Nothing when there was none.
 */
function plannedLine(f: Formatter, s: InspectionSummary): Html | "" {
  const { t } = f;
  const { maintenance } = s;
  if (maintenance.count === 0) return "";
  const duration = f.duration(maintenance.plannedMs);
  const available = html`${t.unit.availability} <strong>${f.percent(s.overall.availability)}</strong> ${t.report.outsidePlanned(duration)}`;
  const reasons = maintenance.reasons.join("; ");
  return html`<p id="planned-work" data-count="${maintenance.count}" data-planned-ms="${maintenance.plannedMs}">${t.report.planned}: ${available} (${t.report.plannedCount(maintenance.count)}; ${t.report.reason}: ${reasons}).</p>`;
}

/** One unit's report as a document of one A4 page. */
export function unitDocument(
  f: Formatter,
  reports: ReportsConfig,
  s: InspectionSummary,
  signoffs: readonly Signoff[],
): Html {
  const { t } = f;
  const period = f.period(s.period);
  const [from, to] = periodSpan(f, s.period);
  const rows = CATEGORIES.map((category) => {
    const c = s.categories.find((x) => x.category === category);
    return c ? categoryRow(f, category, c) : html``;
  });
  const head = thead([
    th(t.report.category),
    thNum(t.unit.availability),
    thNum(t.unit.coverage),
    thNum(t.report.incidentsCol),
    thNum(t.report.disrupted),
    th(t.report.assessment),
  ]);
  const open = s.incidents.filter((i) => i.end === null).length;
  const until = s.period.complete
    ? ""
    : html`<p><em>${t.report.untilNow(f.dateTime(s.period.until))}</em></p>`;
  const leader = s.unit.leader;
  return html`<article class="document" data-unit="${s.unit.id}" data-period="${s.period.id}">
${letterhead(f, reports, { authority: reports.authority, issuer: s.unit.name, at: s.generatedAt })}
<p class="kind">${t.report.kind}</p>
<p class="subject">${t.report.title(period)}</p>
<p>${t.report.intro(s.unit.name, period, from, to)}</p>
<h2>${t.report.overallHeading}</h2>
<p data-overall-availability="${figure(s.overall.availability)}">${t.report.overall(f.percent(s.overall.availability), f.percent(AVAILABILITY_TARGET), f.percent(s.overall.coverage))}
${t.report.disruptedLine(f.duration(s.disruptedMs), s.incidents.filter((i) => i.kind === "check").length, open)}</p>
${plannedLine(f, s)}
${until}
<h2>${t.report.categoriesHeading}</h2>
<table class="summary stack">${head}<tbody>${rows}</tbody></table>
<h2>${t.report.findingsHeading}</h2>
${findingsList(f, s)}
<h2>${t.report.signoffsHeading}</h2>
${signoffList(f, signoffs)}
<p class="note">${t.report.definitions} ${t.report.generated(f.dateTime(s.generatedAt))}</p>
${closing(f, reports.recipients, { title: leader?.title?.toUpperCase() ?? null, name: leader?.name ?? null })}
</article>`;
}
