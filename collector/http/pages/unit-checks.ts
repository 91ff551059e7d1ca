// A unit's categories on its page: each with its status now and figures over the window, and its
// checks by title and kind in words, the state with the reason in words, and the probe's own
// message kept for IT staff.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { TimelineSlot } from "../../inspection/timeline.js";
import type { CategoryStatus, CheckRow, UnitDetail } from "../../inspection/unit-status.js";
import { timeAxis, timeline, timelineLegend } from "./charts.js";
import {
  checkName,
  kindName,
  muted,
  none,
  td,
  tdNum,
  technical,
  th,
  thead,
  thNum,
} from "./components.js";
import { type Html, html } from "./html.js";
import { reasonText } from "./incidents.js";
import { type Chrome, statusCell } from "./layout.js";
import { categoryStatus, checkStatus } from "./status.js";

function checkRow(chrome: Chrome, c: CheckRow): Html {
  const { f } = chrome;
  const { t } = f;
  const reason = c.state === "down" ? html`<div>${reasonText(f, c.reason)}</div>` : "";
  const raw = [c.agent, c.check, c.kind, c.message].filter(Boolean).join(" · ");
  // Left out of the availability beside it: said, so the figure is not read as the whole story.
  const unreachable =
    c.unreachableMs >= 60_000
      ? html`<div class="small muted">${t.unit.unreachable(f.duration(c.unreachableMs))}</div>`
      : "";
  return html`<tr data-check="${c.check}">${[
    td(html`<strong>${checkName(c)}</strong>`, t.unit.check),
    td(kindName(t, c.kind), t.unit.kind),
    td(
      html`${statusCell(chrome, checkStatus(c.state))}${reason}${technical(t, raw)}`,
      t.unit.state,
    ),
    tdNum(html`${f.percent(c.availability)}${unreachable}`, t.unit.availability),
    tdNum(f.percent(c.coverage), t.unit.coverage),
  ]}</tr>`;
}

function categorySection(
  chrome: Chrome,
  unit: UnitDetail,
  checks: readonly CheckRow[],
  category: Category,
): Html {
  const { f } = chrome;
  const { t } = f;
  const view = unit.categories[category] as CategoryStatus;
  const own = checks.filter((c) => c.category === category);
  const figures = muted(
    html`${t.unit.availability} ${f.percent(view.availability)} · ${t.unit.coverage} ${f.percent(view.coverage)}`,
  );
  const head = thead([
    th(t.unit.check),
    th(t.unit.kind),
    th(t.unit.state),
    thNum(t.unit.availability),
    thNum(t.unit.coverage),
  ]);
  const table =
    own.length === 0
      ? none(t.unit.noChecks)
      : html`<table class="stack"><caption class="sr-only">${t.categoryLong[category]}: ${t.unit.checks}</caption>${head}<tbody>${own.map((c) => checkRow(chrome, c))}</tbody></table>`;
  return html`<section data-category="${category}">
<h3>${t.categoryLong[category]} — ${statusCell(chrome, categoryStatus(view))}</h3>
<p class="small">${figures}</p>
${table}
</section>`;
}

export function categorySections(
  chrome: Chrome,
  unit: UnitDetail,
  checks: readonly CheckRow[],
): Html {
  return html`${CATEGORIES.map((category) => categorySection(chrome, unit, checks, category))}`;
}

/** The status timelines of the unit's categories over the window, with their legend. */
export function timelines(
  chrome: Chrome,
  slots: ReadonlyMap<string, readonly TimelineSlot[]>,
  from: number,
  to: number,
): Html {
  const { f } = chrome;
  const { t } = f;
  const rows = CATEGORIES.map(
    (category) =>
      html`<div class="timeline-row"><span>${t.categories[category]}</span>${timeline(f, category, `${t.categoryLong[category]}: ${t.timeline.heading}`, slots.get(category) ?? [])}</div>`,
  );
  return html`<section class="timelines"><h2>${t.timeline.heading}</h2>
${timelineLegend(f)}
${rows}
<div class="timeline-row"><span></span>${timeAxis(f, from, to)}</div>
</section>`;
}
