// The page around the printable documents: on screen a bar to choose the period, print, and
// download the figures; the print view (view=print) is the documents alone with a line saying how
// to print them. A button cannot print without a script, and the pages have none: the print link
// opens the view that the browser's own Print (Ctrl+P) puts on paper exactly as it shows it.
import type { Period } from "../../../shared/api-query.js";
import { periodChoice } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";

export interface ReportPage {
  /** The page's own path, e.g. /reports/so-tttt. */
  path: string;
  title: string;
  period: Period;
  periods: readonly Period[];
  neighbours: { previous: Period; next: Period | undefined };
  documents: Html;
  /** The print view: the documents alone. */
  print: boolean;
  /** Links after the print and download links (the unit's page). */
  extra?: Html;
}

export function renderReportPage(chrome: Chrome, page: ReportPage): string {
  const { t } = chrome.f;
  const at = (params: Record<string, string>) =>
    link(chrome, page.path, { period: page.period.id, ...params });
  if (page.print) {
    const bar = html`<p class="print-bar noprint"><strong>${t.report.printHint}</strong> <a href="${at({})}">${t.report.back}</a></p>`;
    return layout(chrome, page.title, html`${bar}${page.documents}`, {
      documents: true,
      bare: true,
    });
  }
  const periods = periodChoice(chrome, page.period, page.periods, page.neighbours, (period) =>
    link(chrome, page.path, { period }),
  );
  const toolbar = html`<div class="controls noprint">${periods}</div>
<p class="controls noprint"><a class="button" href="${at({ view: "print" })}">${t.report.print}</a>
<a href="${at({ format: "csv" })}" download>${t.report.exportCsv}</a>${page.extra ?? ""}</p>`;
  return layout(
    chrome,
    page.title,
    html`<h1 class="noprint">${page.title}</h1>${toolbar}${page.documents}`,
    {
      documents: true,
    },
  );
}
