// The city-wide summary for the Steering Board (GET /reports?period=): one page ranking the units
// the user may read by availability (no figures last, the reason in words), then each unit's own
// one-page report, as a bundle of administrative documents.
import type { ReportsConfig } from "../../../shared/config/collector.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { InspectionSummary } from "../../inspection/summary.js";
import { periodSpan, td, tdNum, th, thead, thNum } from "./components.js";
import { sayFinding } from "./findings.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";
import { closing, letterhead } from "./letterhead.js";
import { assessment, unitDocument } from "./report.js";

export function rankUnits(summaries: readonly InspectionSummary[]): InspectionSummary[] {
  return [...summaries].sort((a, b) => {
    const x = a.overall.availability ?? -1;
    const y = b.overall.availability ?? -1;
    return y - x || a.unit.name.localeCompare(b.unit.name, "vi");
  });
}

/** The one thing the ranking says of a unit, in a few words: not watched, short of the target, met. */
function verdict(f: Formatter, s: InspectionSummary): { text: string; bad: boolean } {
  const unitWide = s.findings.find((x) => x.code === "no_agent");
  if (unitWide) {
    return { text: f.t.conditions.not_set_up(Number(unitWide.params.enrolled ?? 0)), bad: true };
  }
  const failing = s.categories.filter((c) => assessment(f, c).bad).length;
  if (failing === 0) return { text: f.t.report.met, bad: false };
  return { text: f.t.report.failing(failing, s.categories.length), bad: true };
}

function rankRow(f: Formatter, s: InspectionSummary, rank: number, signed: boolean): Html {
  const { t } = f;
  const said = verdict(f, s);
  return html`<tr data-unit="${s.unit.id}" data-rank="${rank}">${[
    tdNum(rank, t.report.rank),
    td(s.unit.name, t.overview.unit),
    tdNum(f.percent(s.overall.availability), t.report.overallCol),
    tdNum(s.incidents.filter((i) => i.kind === "check").length, t.report.incidentsCol),
    tdNum(f.duration(s.disruptedMs), t.report.disrupted),
    td(
      said.bad
        ? html`<span class="problem-cell${said.text.length > 20 ? " long" : ""}">${said.text}</span>`
        : said.text,
      t.report.assessment,
    ),
    td(signed ? `✓ ${t.overview.signed}` : `✗ ${t.overview.notSigned}`, t.report.signedCol),
  ]}</tr>`;
}

/** The ranking page, then one page per unit. */
export function cityDocuments(
  f: Formatter,
  reports: ReportsConfig,
  summaries: readonly InspectionSummary[],
  signoffs: ReadonlyMap<string, readonly Signoff[]>,
  generatedAt: number,
): Html {
  const { t } = f;
  const ranked = rankUnits(summaries);
  const first = summaries[0];
  const period = first ? f.period(first.period) : "";
  const [from, to] = first ? periodSpan(f, first.period) : ["", ""];
  const head = thead([
    thNum(t.report.rank),
    th(t.overview.unit),
    thNum(t.report.overallCol),
    thNum(t.report.incidentsCol),
    thNum(t.report.disrupted),
    th(t.report.assessment),
    th(t.report.signedCol),
  ]);
  const signed = (s: InspectionSummary) => (signoffs.get(s.unit.id)?.length ?? 0) > 0;
  const rows = ranked.map((s, i) => rankRow(f, s, i + 1, signed(s)));
  const issuer = reports.issuer || t.nav.cityReport;
  const ranking = html`<article class="document ranking">
${letterhead(f, reports, { authority: reports.authority, issuer, at: generatedAt })}
<p class="kind">${t.report.kind}</p>
<p class="subject">${t.report.cityTitle(period)}</p>
<p>${t.report.cityIntro(summaries.length, period, from, to)}</p>
<table id="ranking" class="stack"><caption>${t.report.ranking}</caption>${head}<tbody>${rows}</tbody></table>
<p class="note">${t.report.generated(f.dateTime(generatedAt))}</p>
${closing(f, reports.recipients, { title: reports.signer?.title?.toUpperCase() ?? null, name: reports.signer?.name ?? null })}
</article>`;
  const units = ranked.map((s) => unitDocument(f, reports, s, signoffs.get(s.unit.id) ?? []));
  return html`${ranking}${units}`;
}

/** A unit's worst findings as one line (the CSV's findings column). */
export function findingsText(f: Formatter, s: InspectionSummary, category?: string): string {
  const list =
    category === undefined
      ? s.findings
      : (s.categories.find((c) => c.category === category)?.findings ?? []);
  return list.map((x) => sayFinding(f, x)).join(" ");
}
