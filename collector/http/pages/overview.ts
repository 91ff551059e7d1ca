// The city overview (GET /): every unit a row, the six inspection categories as columns, each cell
// the status now and the availability over the window; open incidents, last data, and whether the
// unit's leader has signed off this period's inspection.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { CategoryStatus, UnitStatus, UnitsStatus } from "../../inspection/unit-status.js";
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

const WINDOWS = ["24h", "7d", "30d"];

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

export function renderOverview(
  chrome: Chrome,
  data: UnitsStatus,
  options: OverviewOptions,
): string {
  const { f } = chrome;
  const { t } = f;
  const units = sortUnits(data.units, options.sort);
  const cell = (unit: UnitStatus, category: Category): Html => {
    const view = unit.categories[category] as CategoryStatus;
    const status = categoryStatus(view);
    const cause =
      view.cause === "link" ? html` <span class="muted" title="${t.reasons.link}">⛓</span>` : "";
    return html`<td data-unit="${unit.id}" data-category="${category}" data-status="${status}">${statusCell(chrome, status, cause)}<div class="muted">${f.percent(view.availability)}</div></td>`;
  };
  const rows = units.map((unit) => {
    const lastData = Math.max(0, ...unit.agents.map((a) => a.lastSeen ?? 0));
    const inspected = options.inspected.has(unit.id);
    return html`<tr data-unit="${unit.id}">
<td><a href="${link(chrome, `/units/${unit.id}`)}">${unit.name}</a>${unit.active ? "" : html` <span class="badge muted">${t.unit.inactive}</span>`}
<div class="muted">${unit.leader?.name ?? ""}</div></td>
${CATEGORIES.map((c) => cell(unit, c))}
<td class="num">${f.percent(unit.availability)}</td>
<td class="num">${unit.openIncidents || ""}</td>
<td class="num">${lastData ? f.dateTime(lastData) : t.unit.never}</td>
<td data-inspected="${inspected ? "yes" : "no"}">${
      inspected
        ? html`<span class="s-ok">✓ ${t.overview.inspected}</span>`
        : html`<span class="s-degraded">✗ ${t.overview.notInspected}</span>`
    }</td>
</tr>`;
  });
  const windowLinks = WINDOWS.map((w) =>
    w === options.window
      ? html`<strong>${w}</strong>`
      : html`<a href="${link(chrome, "/", { window: w, sort: options.sort })}">${w}</a>`,
  );
  const sortLink =
    options.sort === "worst"
      ? html`<a href="${link(chrome, "/", { window: options.window, sort: "name" })}">${t.overview.sortName}</a>`
      : html`<a href="${link(chrome, "/", { window: options.window, sort: "worst" })}">${t.overview.sortWorst}</a>`;
  const body = html`<h1>${t.overview.heading}</h1>
<p class="noprint">${t.overview.window}: ${windowLinks.map((l, i) => html`${i ? " · " : ""}${l}`)} — ${sortLink} —
<a href="${link(chrome, "/reports", { period: options.period })}">${t.overview.steeringBoard} ${options.period}</a></p>
<p class="muted">${f.dateTime(data.from)} – ${f.dateTime(data.to)}</p>
${
  units.length === 0
    ? html`<p>${t.overview.noUnits}</p>`
    : html`<table id="overview"><thead><tr><th>${t.overview.unit}</th>${CATEGORIES.map(
        (c) => html`<th title="${t.categoryLong[c]}">${t.categories[c]}</th>`,
      )}<th class="num">${t.unit.availability}</th><th class="num">${t.overview.openIncidents}</th><th class="num">${t.overview.lastData}</th><th>${options.period}</th></tr></thead>
<tbody>${rows}</tbody></table>`
}`;
  return layout(chrome, t.overview.heading, body);
}
