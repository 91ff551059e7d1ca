// The city-wide inspection summary for the Steering Board (GET /reports?period=): the units the
// user may read ranked by availability (no data last), then each unit's own summary page.
import { CATEGORIES } from "../../../shared/categories.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { InspectionSummary } from "../../inspection/summary.js";
import { td, tdNum, th, thead, thNum } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";
import { summarySection } from "./report.js";

export function rankUnits(summaries: readonly InspectionSummary[]): InspectionSummary[] {
  return [...summaries].sort((a, b) => {
    const x = a.overall.availability ?? -1;
    const y = b.overall.availability ?? -1;
    return y - x || a.unit.name.localeCompare(b.unit.name, "vi");
  });
}

function rankRow(
  chrome: Chrome,
  period: string,
  s: InspectionSummary,
  rank: number,
  signed: boolean,
): Html {
  const { f } = chrome;
  const name = html`<a href="${link(chrome, `/reports/${s.unit.id}`, { period })}">${s.unit.name}</a>`;
  const categories = CATEGORIES.map((c) =>
    tdNum(f.percent(s.categories.find((x) => x.category === c)?.availability ?? null)),
  );
  const mark = signed ? html`<span class="s-ok">✓</span>` : html`<span class="s-degraded">✗</span>`;
  return html`<tr data-unit="${s.unit.id}" data-rank="${rank}">${[
    tdNum(rank),
    td(name),
    tdNum(f.percent(s.overall.availability)),
    tdNum(s.maintenance.plannedMs > 0 ? f.duration(s.maintenance.plannedMs) : "—"),
    categories,
    tdNum(s.incidents.length),
    td(mark),
  ]}</tr>`;
}

export function renderCityReport(
  chrome: Chrome,
  period: string,
  summaries: readonly InspectionSummary[],
  signoffs: ReadonlyMap<string, readonly Signoff[]>,
): string {
  const { t } = chrome.f;
  const ranked = rankUnits(summaries);
  const head = thead([
    thNum(t.report.rank),
    th(t.overview.unit),
    thNum(t.unit.availability),
    thNum(t.report.planned),
    ...CATEGORIES.map((c) => thNum(t.categories[c])),
    thNum(t.report.incidents),
    th(t.signoff.heading),
  ]);
  const signed = (s: InspectionSummary) => (signoffs.get(s.unit.id)?.length ?? 0) > 0;
  const rows = ranked.map((s, i) => rankRow(chrome, period, s, i + 1, signed(s)));
  const table = html`<section class="report"><h1>${t.report.ranking} — ${period}</h1>
<table id="ranking">${head}<tbody>${rows}</tbody></table></section>`;
  return layout(
    chrome,
    `${t.overview.steeringBoard} ${period}`,
    html`${table}${ranked.map((s) => summarySection(chrome, s, signoffs.get(s.unit.id) ?? []))}`,
  );
}
