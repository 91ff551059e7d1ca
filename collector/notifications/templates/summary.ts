// The monthly inspection summary as a message: a unit's figures per category, its findings in
// words, whether it was signed off, a link to the printable report and the CSV the report page
// exports attached; and the city's summary for the Steering Board, the units ranked.

import { parsePeriod } from "../../../shared/api-query.js";
import { sayFinding } from "../../http/pages/findings.js";
import { Html, html } from "../../http/pages/html.js";
import type { Lang } from "../../http/pages/i18n/index.js";
import { Formatter } from "../../http/pages/i18n/index.js";
import { summaryCsv } from "../../http/pages/summary-csv.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { InspectionSummary } from "../../inspection/summary.js";
import type { Attachment } from "../model.js";
import { WORDS } from "./render.js";

export interface SummaryText {
  subject: string;
  text: string;
  html: string;
  short: string;
  attachments: Attachment[];
}

const CELL = 'style="border:1px solid #999;padding:4px 8px;text-align:left"';
const table = (head: string[], rows: string[][]) =>
  new Html(
    html`<table style="border-collapse:collapse"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>`.text.replace(
      /<(td|th)>/g,
      `<$1 ${CELL}>`,
    ),
  );

function page(lang: Lang, title: string, parts: Html[], footer: string): string {
  return html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head><body>
<h2>${title}</h2>
${parts}
<p style="color:#666;font-size:small">${footer}</p>
</body></html>`.text;
}

export function unitSummaryText(
  lang: Lang,
  s: InspectionSummary,
  signoffs: readonly Signoff[],
  report: string | null,
  dedupeKey: string,
): SummaryText {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  const ws = w.summary;
  const period = f.period(s.period);
  const intro = ws.intro(s.unit.name, period);
  const head = [w.table.what, ws.availability, ws.coverage, ws.incidents, ws.downtime];
  const rows = [
    ...s.categories.map((c) => [
      f.t.categoryLong[c.category as keyof typeof f.t.categoryLong] ?? c.category,
      f.percent(c.availability),
      f.percent(c.coverage),
      String(c.incidents.count),
      f.duration(c.disruptedMs),
    ]),
    [
      ws.overall,
      f.percent(s.overall.availability),
      f.percent(s.overall.coverage),
      String(s.incidents.length),
      f.duration(s.disruptedMs),
    ],
  ];
  const findings = [...s.findings, ...s.categories.flatMap((c) => c.findings)]
    .filter((x) => x.severity !== "ok")
    .map((x) => sayFinding(f, x));
  const latest = signoffs.at(-1);
  const signed = latest ? ws.signedOff(latest.inspector, latest.date) : ws.notSignedOff;
  const footer = w.footer(dedupeKey);
  const lines = [
    intro,
    "",
    ...rows.map(
      (r) =>
        `- ${r[0]}: ${head
          .slice(1)
          .map((h, i) => `${h} ${r[i + 1]}`)
          .join(", ")}`,
    ),
    "",
    `${ws.findings}:`,
    ...(findings.length ? findings.map((x) => `- ${x}`) : [`- ${ws.noFindings}`]),
    "",
    signed,
    ...(report ? [`${ws.report}: ${report}`] : []),
    ws.attached,
    "",
    footer,
    "",
  ];
  const parts = [
    html`<p>${intro}</p>`,
    table(head, rows),
    html`<h3>${ws.findings}</h3><ul>${(findings.length ? findings : [ws.noFindings]).map((x) => html`<li>${x}</li>`)}</ul>`,
    html`<p>${signed}</p>`,
    report ? html`<p><a href="${report}">${ws.report}</a></p>` : html``,
    html`<p>${ws.attached}</p>`,
  ];
  return {
    subject: `${w.prefix} ${s.unit.name}: ${w.subject.summary(period)}`,
    text: lines.join("\n"),
    html: page(lang, s.unit.name, parts, footer),
    short: [
      intro,
      `${ws.availability}: ${f.percent(s.overall.availability)}`,
      signed,
      ...(report ? [report] : []),
    ].join("\n"),
    attachments: [
      {
        filename: `giamsat-${s.unit.id}-${s.period.id}.csv`,
        contentType: "text/csv; charset=utf-8",
        content: summaryCsv(f, [s]),
      },
    ],
  };
}

export function citySummaryText(
  lang: Lang,
  period: string,
  summaries: readonly InspectionSummary[],
  report: string | null,
  dedupeKey: string,
): SummaryText {
  const f = Formatter.of(lang);
  const w = WORDS[lang];
  const ws = w.summary;
  const label = periodLabel(f, period);
  const intro = ws.cityIntro(label, summaries.length);
  const ranked = [...summaries].sort(
    (a, b) =>
      (a.overall.availability ?? 2) - (b.overall.availability ?? 2) ||
      a.unit.name.localeCompare(b.unit.name),
  );
  const head = [ws.unit, ws.availability, ws.coverage, ws.incidents];
  const rows = ranked.map((s) => [
    s.unit.name,
    f.percent(s.overall.availability),
    f.percent(s.overall.coverage),
    String(s.incidents.length),
  ]);
  const footer = w.footer(dedupeKey);
  const title = w.subject.citySummary(label);
  return {
    subject: `${w.prefix} ${title}`,
    text: [
      intro,
      "",
      ...rows.map((r) => `- ${r.join(" · ")}`),
      "",
      ...(report ? [`${ws.report}: ${report}`] : []),
      ws.attached,
      "",
      footer,
      "",
    ].join("\n"),
    html: page(
      lang,
      title,
      [
        html`<p>${intro}</p>`,
        table(head, rows),
        report ? html`<p><a href="${report}">${ws.report}</a></p>` : html``,
        html`<p>${ws.attached}</p>`,
      ],
      footer,
    ),
    short: [intro, ...(report ? [report] : [])].join("\n"),
    attachments: [
      {
        filename: `giamsat-city-${period}.csv`,
        contentType: "text/csv; charset=utf-8",
        content: summaryCsv(f, summaries),
      },
    ],
  };
}

/** "Tháng 11/2026" / "November 2026" for the period id "2026-11". */
function periodLabel(f: Formatter, id: string): string {
  const period = parsePeriod(id);
  return period ? f.period({ id, kind: period.kind }) : id;
}
