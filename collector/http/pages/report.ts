// The inspection summary of a unit: one printable A4 page (GET /reports/:unit?period=), with links
// to the same figures as CSV and JSON. The city-wide summary (city-report.ts) repeats the section.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { Finding } from "../../inspection/findings.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { CategorySummary, InspectionSummary } from "../../inspection/summary.js";
import {
  checkOf,
  dataset,
  joined,
  muted,
  none,
  td,
  tdNum,
  th,
  thead,
  thNum,
} from "./components.js";
import { sayFinding } from "./findings.js";
import { type Html, html } from "./html.js";
import { incidentReason, linkCause } from "./incidents.js";
import { type Chrome, layout, link } from "./layout.js";

/** The numbers a reader compares between page, CSV and JSON, as raw values on data attributes. */
function figure(value: number | null): string {
  return value === null ? "" : String(value);
}

function findingList(chrome: Chrome, findings: readonly Finding[]): Html {
  const items = findings.map(
    (x) =>
      html`<li class="finding-${x.severity}" data-finding="${x.code}">${sayFinding(chrome.f, x)}</li>`,
  );
  return html`<ul class="findings">${items}</ul>`;
}

function categoryRow(chrome: Chrome, category: Category, c: CategorySummary): Html {
  const { f } = chrome;
  const attributes = dataset({
    category,
    availability: figure(c.availability),
    coverage: figure(c.coverage),
    incidents: c.incidents.count,
    "downtime-ms": c.incidents.downtimeMs,
  });
  return html`<tr ${attributes}>
${td(f.t.categoryLong[category])}
${tdNum(f.percent(c.availability))}
${tdNum(f.percent(c.coverage))}
${tdNum(c.incidents.count)}
${tdNum(f.duration(c.incidents.downtimeMs))}
${td(findingList(chrome, c.findings))}</tr>`;
}

function periodLine(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  const { t } = f;
  const range = html`(${f.date(s.period.from)} – ${f.date(s.period.to - 1)})`;
  const until = s.period.complete
    ? ""
    : html` ${muted(html`— ${t.report.untilNow} ${f.dateTime(s.period.until)}`)}`;
  const title = s.unit.leader?.title ? html`, ${s.unit.leader.title}` : "";
  const leader = html`${t.unit.leader}: <strong>${s.unit.leader?.name ?? "—"}</strong>${title}`;
  return html`<p>${t.report.period}: <strong>${s.period.id}</strong> ${range}${until} · ${leader}</p>`;
}

function overallLine(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  const { t } = f;
  // "available 99.9% outside 4 h 20 min of planned work": the figure a leader signs says so.
  const outside =
    s.maintenance.plannedMs > 0
      ? html` <span data-planned-ms="${s.maintenance.plannedMs}">${t.report.outsidePlanned(f.duration(s.maintenance.plannedMs))}</span>`
      : "";
  const parts = [
    html`${t.unit.availability}: <strong>${f.percent(s.overall.availability)}</strong>${outside}`,
    html`${t.unit.coverage}: ${f.percent(s.overall.coverage)}`,
    html`${t.report.downtime}: ${f.duration(s.overall.downMs)}`,
  ];
  const overall = figure(s.overall.availability);
  return html`<p data-overall-availability="${overall}">${joined(parts, " · ")}</p>`;
}

/** Planned maintenance of the period: each occurrence with its reason. */
function plannedList(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  const { t } = f;
  const { maintenance } = s;
  const items = maintenance.occurrences.map((o) => {
    const narrowed = [...(o.agents ?? []), ...(o.categories ?? []), ...(o.checks ?? [])];
    const within = narrowed.length ? html` (${narrowed.join(", ")})` : "";
    return html`<li data-window="${o.window}">${f.dateTime(o.from)} – ${f.dateTime(o.to)}${within}: ${o.reason}</li>`;
  });
  const summary = html`${t.report.plannedCount(maintenance.count)}, ${f.duration(maintenance.plannedMs)}`;
  return html`<h2>${t.report.planned}</h2>
<p id="planned-work" data-count="${maintenance.count}">${summary}</p><ul>${items}</ul>`;
}

function certificateList(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  const { t } = f;
  const due = s.certificates.filter((c) => c.state !== "ok");
  if (due.length === 0) return none(t.report.noCertificates);
  const items = due.map(
    (c) =>
      html`<li>${checkOf(c.check, c.agent)}: ${t.report.expiresOn} ${f.date(c.notAfter)} (${c.daysLeft})</li>`,
  );
  return html`<ul>${items}</ul>`;
}

function changeList(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  const changed = s.inventoryChanges.filter((c) => c.changes !== null);
  if (changed.length === 0) return none(f.t.report.noChanges);
  const items = changed.map((c) => html`<li>${f.dateTime(c.ts)} ${checkOf(c.check, c.agent)}</li>`);
  return html`<ul>${items}</ul>`;
}

function incidentList(chrome: Chrome, s: InspectionSummary): Html {
  const { f } = chrome;
  if (s.incidents.length === 0) return none(f.t.unit.noIncidents);
  const items = s.incidents.slice(0, 10).map((i) => {
    const what = html`${i.check ?? i.agent}: ${incidentReason(f, i, null)}`;
    return html`<li>${f.dateTime(i.start)} ${what}, ${f.duration(i.downtimeMs)}${linkCause(f, i, false)}</li>`;
  });
  const more = s.incidents.length - 10;
  return html`<ul>${items}${more > 0 ? html`<li class="muted">… +${more}</li>` : ""}</ul>`;
}

function signoffLine(chrome: Chrome, latest: Signoff | undefined): Html {
  if (!latest) return html`<p class="muted" data-signed="no">${chrome.f.t.signoff.none}</p>`;
  const actions = latest.actions ? html` — ${latest.actions}` : "";
  const said = html`${latest.date} — ${latest.inspector}: ${latest.findings}${actions}`;
  return html`<p data-signed="yes">${said}</p>`;
}

/** One unit's summary: fits one A4 page in print. */
export function summarySection(
  chrome: Chrome,
  s: InspectionSummary,
  signoffs: readonly Signoff[],
): Html {
  const { f } = chrome;
  const { t } = f;
  const rows = CATEGORIES.map((category) => {
    const c = s.categories.find((x) => x.category === category);
    return c ? categoryRow(chrome, category, c) : html``;
  });
  const head = thead([
    th(""),
    thNum(t.unit.availability),
    thNum(t.unit.coverage),
    thNum(t.report.incidents),
    thNum(t.report.downtime),
    th(t.report.findings),
  ]);
  return html`<section class="report" data-unit="${s.unit.id}" data-period="${s.period.id}">
<h1>${t.report.heading}: ${s.unit.name}</h1>
${periodLine(chrome, s)}
${overallLine(chrome, s)}
<table class="summary">${head}
<tbody>${rows}</tbody></table>
${s.findings.length ? findingList(chrome, s.findings) : ""}
${s.maintenance.count > 0 ? plannedList(chrome, s) : ""}
<h2>${t.report.certificates}</h2>
${certificateList(chrome, s)}
<h2>${t.report.changes}</h2>
${changeList(chrome, s)}
<h2>${t.report.incidents}</h2>
${incidentList(chrome, s)}
<h2>${t.signoff.heading}</h2>
${signoffLine(chrome, signoffs[0])}
<p class="muted">${t.report.generated}: ${f.dateTime(s.generatedAt)}</p>
</section>`;
}

export function renderUnitReport(
  chrome: Chrome,
  s: InspectionSummary,
  signoffs: readonly Signoff[],
): string {
  const { t } = chrome.f;
  const report = (format: string) =>
    link(chrome, `/reports/${s.unit.id}`, { period: s.period.id, format });
  const exports = joined(
    [
      html`<a href="${report("csv")}">${t.report.exportCsv}</a>`,
      html`<a href="${report("json")}">${t.report.exportJson}</a>`,
      html`<a href="${link(chrome, `/units/${s.unit.id}`)}">${s.unit.name}</a>`,
    ],
    " · ",
  );
  return layout(
    chrome,
    `${t.report.heading} ${s.unit.name} ${s.period.id}`,
    html`<p class="noprint">${exports}</p>${summarySection(chrome, s, signoffs)}`,
  );
}
