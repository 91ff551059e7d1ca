// The city overview (GET /): every unit a row, the six inspection categories as columns, each cell
// the status now and the availability over the window; open incidents, last data, and whether the
// unit's leader has signed off this period's inspection.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { CategoryStatus, UnitStatus, UnitsStatus } from "../../inspection/unit-status.js";
import {
  dataset,
  inactiveBadge,
  joined,
  tdNum,
  th,
  thead,
  thNum,
  windowChoice,
} from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link, statusCell } from "./layout.js";
import { categoryStatus, SEVERITY } from "./status.js";

export interface OverviewOptions {
  /** The window as the user wrote it (24h, 7d, 30d), for the links. */
  window: string;
  sort: "worst" | "name";
  /** The current period (e.g. 2026-11) and the units whose leader signed off on it. */
  period: string;
  inspected: ReadonlySet<string>;
}

/** Sorting key: the worst category first, then the number of bad categories, then the name. */
function badness(unit: UnitStatus): [number, number] {
  const statuses = CATEGORIES.map((c) => categoryStatus(unit.categories[c] as CategoryStatus));
  return [Math.max(...statuses.map((s) => SEVERITY[s])), statuses.filter((s) => s !== "ok").length];
}

export function sortUnits(units: readonly UnitStatus[], sort: "worst" | "name"): UnitStatus[] {
  const byName = (a: UnitStatus, b: UnitStatus) => a.name.localeCompare(b.name, "vi");
  if (sort === "name") return [...units].sort(byName);
  return [...units].sort((a, b) => {
    const [wa, na] = badness(a);
    const [wb, nb] = badness(b);
    return wb - wa || nb - na || byName(a, b);
  });
}

function categoryCell(chrome: Chrome, unit: UnitStatus, category: Category): Html {
  const { f } = chrome;
  const view = unit.categories[category] as CategoryStatus;
  const status = categoryStatus(view);
  const cause =
    view.cause === "link" ? html` <span class="muted" title="${f.t.reasons.link}">⛓</span>` : "";
  const attributes = dataset({ unit: unit.id, category, status });
  const availability = html`<div class="muted">${f.percent(view.availability)}</div>`;
  return html`<td ${attributes}>${statusCell(chrome, status, cause)}${availability}</td>`;
}

function unitRow(chrome: Chrome, unit: UnitStatus, inspected: boolean): Html {
  const { f } = chrome;
  const { t } = f;
  const lastData = Math.max(0, ...unit.agents.map((a) => a.lastSeen ?? 0));
  const name = html`<a href="${link(chrome, `/units/${unit.id}`)}">${unit.name}</a>`;
  const mark = inspected
    ? html`<span class="s-ok">✓ ${t.overview.inspected}</span>`
    : html`<span class="s-degraded">✗ ${t.overview.notInspected}</span>`;
  return html`<tr data-unit="${unit.id}">
<td>${name}${inactiveBadge(t, unit.active)}
<div class="muted">${unit.leader?.name ?? ""}</div></td>
${CATEGORIES.map((c) => categoryCell(chrome, unit, c))}
${tdNum(f.percent(unit.availability))}
${tdNum(unit.openIncidents || "")}
${tdNum(lastData ? f.dateTime(lastData) : t.unit.never)}
<td data-inspected="${inspected ? "yes" : "no"}">${mark}</td>
</tr>`;
}

function unitTable(chrome: Chrome, units: readonly UnitStatus[], options: OverviewOptions): Html {
  const { t } = chrome.f;
  if (units.length === 0) return html`<p>${t.overview.noUnits}</p>`;
  const head = thead([
    th(t.overview.unit),
    ...CATEGORIES.map((c) => html`<th title="${t.categoryLong[c]}">${t.categories[c]}</th>`),
    thNum(t.unit.availability),
    thNum(t.overview.openIncidents),
    thNum(t.overview.lastData),
    th(options.period),
  ]);
  const rows = units.map((unit) => unitRow(chrome, unit, options.inspected.has(unit.id)));
  return html`<table id="overview">${head}
<tbody>${rows}</tbody></table>`;
}

export function renderOverview(
  chrome: Chrome,
  data: UnitsStatus,
  options: OverviewOptions,
): string {
  const { f } = chrome;
  const { t } = f;
  const units = sortUnits(data.units, options.sort);
  const windows = windowChoice(options.window, (w) =>
    link(chrome, "/", { window: w, sort: options.sort }),
  );
  const other = options.sort === "worst" ? "name" : "worst";
  const sortHref = link(chrome, "/", { window: options.window, sort: other });
  const sortName = options.sort === "worst" ? t.overview.sortName : t.overview.sortWorst;
  const board = link(chrome, "/reports", { period: options.period });
  const body = html`<h1>${t.overview.heading}</h1>
<p class="noprint">${t.overview.window}: ${joined(windows, " · ")} — <a href="${sortHref}">${sortName}</a> —
<a href="${board}">${t.overview.steeringBoard} ${options.period}</a></p>
<p class="muted">${f.dateTime(data.from)} – ${f.dateTime(data.to)}</p>
${unitTable(chrome, units, options)}`;
  return layout(chrome, t.overview.heading, body);
}
