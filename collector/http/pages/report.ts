// Inspection summaries: one printable A4 page per unit (GET /reports/:unit?period=), the same
// figures as CSV (format=csv; JSON is the API's own payload), and the city-wide summary for the
// Steering Board that ranks units (GET /reports?period=).
import { CATEGORIES } from "../../../shared/categories.js";
import type { Finding } from "../../inspection/findings.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { InspectionSummary } from "../../inspection/summary.js";
import { sayFinding } from "./findings.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";
import { reasonText } from "./unit-page.js";

/** The numbers a reader compares between page, CSV and JSON, as raw values on data attributes. */
function figure(value: number | null): string {
  return value === null ? "" : String(value);
}

function findingList(chrome: Chrome, findings: readonly Finding[]): Html {
  return html`<ul class="findings">${findings.map(
    (x) =>
      html`<li class="finding-${x.severity}" data-finding="${x.code}">${sayFinding(chrome.f, x)}</li>`,
  )}</ul>`;
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
    if (!c) return html``;
    return html`<tr data-category="${category}" data-availability="${figure(c.availability)}" data-coverage="${figure(c.coverage)}" data-incidents="${c.incidents.count}" data-downtime-ms="${c.incidents.downtimeMs}">
<td>${t.categoryLong[category]}</td>
<td class="num">${f.percent(c.availability)}</td>
<td class="num">${f.percent(c.coverage)}</td>
<td class="num">${c.incidents.count}</td>
<td class="num">${f.duration(c.incidents.downtimeMs)}</td>
<td>${findingList(chrome, c.findings)}</td></tr>`;
  });
  const latest = signoffs[0];
  return html`<section class="report" data-unit="${s.unit.id}" data-period="${s.period.id}">
<h1>${t.report.heading}: ${s.unit.name}</h1>
<p>${t.report.period}: <strong>${s.period.id}</strong> (${f.date(s.period.from)} – ${f.date(s.period.to - 1)})${
    s.period.complete
      ? ""
      : html` <span class="muted">— ${t.report.untilNow} ${f.dateTime(s.period.until)}</span>`
  } · ${t.unit.leader}: <strong>${s.unit.leader?.name ?? "—"}</strong>${s.unit.leader?.title ? html`, ${s.unit.leader.title}` : ""}</p>
<p data-overall-availability="${figure(s.overall.availability)}">${t.unit.availability}: <strong>${f.percent(s.overall.availability)}</strong> · ${t.unit.coverage}: ${f.percent(s.overall.coverage)} · ${t.report.downtime}: ${f.duration(s.overall.downMs)}</p>
<table class="summary"><thead><tr><th></th><th class="num">${t.unit.availability}</th><th class="num">${t.unit.coverage}</th><th class="num">${t.report.incidents}</th><th class="num">${t.report.downtime}</th><th>${t.report.findings}</th></tr></thead>
<tbody>${rows}</tbody></table>
${s.findings.length ? findingList(chrome, s.findings) : ""}
<h2>${t.report.certificates}</h2>
${
  s.certificates.filter((c) => c.state !== "ok").length === 0
    ? html`<p class="muted">${t.report.noCertificates}</p>`
    : html`<ul>${s.certificates
        .filter((c) => c.state !== "ok")
        .map(
          (c) =>
            html`<li>${c.check} <span class="muted">${c.agent}</span>: ${t.report.expiresOn} ${f.date(c.notAfter)} (${c.daysLeft})</li>`,
        )}</ul>`
}
<h2>${t.report.changes}</h2>
${
  s.inventoryChanges.filter((c) => c.changes !== null).length === 0
    ? html`<p class="muted">${t.report.noChanges}</p>`
    : html`<ul>${s.inventoryChanges
        .filter((c) => c.changes !== null)
        .map(
          (c) =>
            html`<li>${f.dateTime(c.ts)} ${c.check} <span class="muted">${c.agent}</span></li>`,
        )}</ul>`
}
<h2>${t.report.incidents}</h2>
${
  s.incidents.length === 0
    ? html`<p class="muted">${t.unit.noIncidents}</p>`
    : html`<ul>${s.incidents
        .slice(0, 10)
        .map(
          (i) =>
            html`<li>${f.dateTime(i.start)} ${i.check ?? i.agent}: ${reasonText(f, i.kind === "silence" ? "silent" : i.reason, null)}, ${f.duration(i.downtimeMs)}${
              i.cause === "link" ? html` (${t.unit.causedByLink})` : ""
            }</li>`,
        )}${s.incidents.length > 10 ? html`<li class="muted">… +${s.incidents.length - 10}</li>` : ""}</ul>`
}
<h2>${t.signoff.heading}</h2>
${
  latest
    ? html`<p data-signed="yes">${latest.date} — ${latest.inspector}: ${latest.findings}${latest.actions ? html` — ${latest.actions}` : ""}</p>`
    : html`<p class="muted" data-signed="no">${t.signoff.none}</p>`
}
<p class="muted">${t.report.generated}: ${f.dateTime(s.generatedAt)}</p>
</section>`;
}

export function renderUnitReport(
  chrome: Chrome,
  s: InspectionSummary,
  signoffs: readonly Signoff[],
): string {
  const { t } = chrome.f;
  const exports = html`<p class="noprint"><a href="${link(chrome, `/reports/${s.unit.id}`, { period: s.period.id, format: "csv" })}">${t.report.exportCsv}</a> · <a href="${link(chrome, `/reports/${s.unit.id}`, { period: s.period.id, format: "json" })}">${t.report.exportJson}</a> · <a href="${link(chrome, `/units/${s.unit.id}`)}">${s.unit.name}</a></p>`;
  return layout(
    chrome,
    `${t.report.heading} ${s.unit.name} ${s.period.id}`,
    html`${exports}${summarySection(chrome, s, signoffs)}`,
  );
}

/** The city-wide summary: units ranked by availability (no data last), then each unit's page. */
export function renderCityReport(
  chrome: Chrome,
  period: string,
  summaries: readonly InspectionSummary[],
  signoffs: ReadonlyMap<string, readonly Signoff[]>,
): string {
  const { f } = chrome;
  const { t } = f;
  const ranked = rankUnits(summaries);
  const table = html`<section class="report"><h1>${t.report.ranking} — ${period}</h1>
<table id="ranking"><thead><tr><th class="num">${t.report.rank}</th><th>${t.overview.unit}</th><th class="num">${t.unit.availability}</th>${CATEGORIES.map(
    (c) => html`<th class="num">${t.categories[c]}</th>`,
  )}<th class="num">${t.report.incidents}</th><th>${t.signoff.heading}</th></tr></thead><tbody>${ranked.map(
    (s, i) =>
      html`<tr data-unit="${s.unit.id}" data-rank="${i + 1}"><td class="num">${i + 1}</td><td><a href="${link(chrome, `/reports/${s.unit.id}`, { period })}">${s.unit.name}</a></td><td class="num">${f.percent(s.overall.availability)}</td>${CATEGORIES.map(
        (c) =>
          html`<td class="num">${f.percent(s.categories.find((x) => x.category === c)?.availability ?? null)}</td>`,
      )}<td class="num">${s.incidents.length}</td><td>${(signoffs.get(s.unit.id)?.length ?? 0) > 0 ? html`<span class="s-ok">✓</span>` : html`<span class="s-degraded">✗</span>`}</td></tr>`,
  )}</tbody></table></section>`;
  return layout(
    chrome,
    `${t.overview.steeringBoard} ${period}`,
    html`${table}${ranked.map((s) => summarySection(chrome, s, signoffs.get(s.unit.id) ?? []))}`,
  );
}

export function rankUnits(summaries: readonly InspectionSummary[]): InspectionSummary[] {
  return [...summaries].sort((a, b) => {
    const x = a.overall.availability ?? -1;
    const y = b.overall.availability ?? -1;
    return y - x || a.unit.name.localeCompare(b.unit.name, "vi");
  });
}

/** CSV of the same figures: per unit one row per category and its overall row (RFC 4180). */
export function summaryCsv(summaries: readonly InspectionSummary[]): string {
  const cell = (value: string | number | null) => {
    const text = value === null ? "" : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const header = [
    "unit",
    "period",
    "category",
    "checks",
    "availability",
    "coverage",
    "down_ms",
    "link_ms",
    "incidents",
    "open_incidents",
    "downtime_ms",
    "findings",
  ];
  const rows = summaries.flatMap((s) => unitRows(s));
  return `${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

function unitRows(s: InspectionSummary): (string | number | null)[][] {
  const rows: (string | number | null)[][] = s.categories.map((c) => [
    s.unit.id,
    s.period.id,
    c.category,
    c.checks,
    c.availability,
    c.coverage,
    c.downMs,
    c.linkMs,
    c.incidents.count,
    c.incidents.open,
    c.incidents.downtimeMs,
    c.findings.map((x) => x.code).join(" "),
  ]);
  rows.push([
    s.unit.id,
    s.period.id,
    "all",
    s.categories.reduce((n, c) => n + c.checks, 0),
    s.overall.availability,
    s.overall.coverage,
    s.overall.downMs,
    s.categories.reduce((n, c) => n + c.linkMs, 0),
    s.incidents.length,
    s.categories.reduce((n, c) => n + c.incidents.open, 0),
    s.categories.reduce((n, c) => n + c.incidents.downtimeMs, 0),
    s.findings.map((x) => x.code).join(" "),
  ]);
  return rows;
}
