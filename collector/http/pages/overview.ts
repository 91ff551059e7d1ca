// The city overview (GET /): the totals a leader asks about first, then every unit, the ones that
// fail first, each with why in words, its six categories now and over the window, and whether its
// leader signed off the period just ended. On a phone each unit is a card; the first screen shows
// the totals and the worst unit with its reason.
import type { Period } from "../../../shared/api-query.js";
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import { compareConditions } from "../../inspection/condition.js";
import type { CategoryStatus, UnitStatus, UnitsStatus } from "../../inspection/unit-status.js";
import {
  dataset,
  inactiveBadge,
  periodChoice,
  tdNum,
  th,
  thead,
  thNum,
  windowChoice,
} from "./components.js";
import { conditionLine } from "./condition.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link, statusCell } from "./layout.js";
import { categoryStatus } from "./status.js";

export interface OverviewOptions {
  /** The window as the user wrote it (24h, 7d, 30d), for the links. */
  window: string;
  sort: "worst" | "name";
  /** The period whose sign-offs are shown (the one just ended unless chosen), and the choices. */
  period: Period;
  periods: readonly Period[];
  neighbours: { previous: Period; next: Period | undefined };
  signed: ReadonlySet<string>;
}

function notUp(unit: UnitStatus): number {
  return CATEGORIES.filter((c) => unit.categories[c]?.state !== "up").length;
}

export function sortUnits(units: readonly UnitStatus[], sort: "worst" | "name"): UnitStatus[] {
  const byName = (a: UnitStatus, b: UnitStatus) => a.name.localeCompare(b.name, "vi");
  if (sort === "name") return [...units].sort(byName);
  const key = (u: UnitStatus) => ({
    condition: u.condition,
    availability: u.availability,
    notUp: notUp(u),
  });
  return [...units].sort((a, b) => compareConditions(key(a), key(b)) || byName(a, b));
}

function categoryCell(chrome: Chrome, unit: UnitStatus, category: Category): Html {
  const { f } = chrome;
  const view = unit.categories[category] as CategoryStatus;
  const status = categoryStatus(view);
  const cause =
    view.cause === "link" ? html`<div class="small">${f.t.conditions.linkDown}</div>` : "";
  const attributes = dataset({ unit: unit.id, category, status });
  const availability = html`<div class="muted small">${f.percent(view.availability)}</div>`;
  return html`<td class="cat" ${attributes} data-label="${f.t.categories[category]}">${statusCell(chrome, status)}${cause}${availability}</td>`;
}

function unitRow(chrome: Chrome, unit: UnitStatus, signed: boolean): Html {
  const { f } = chrome;
  const { t } = f;
  const lastData = Math.max(0, ...unit.agents.map((a) => a.lastSeen ?? 0));
  const name = html`<a href="${link(chrome, `/units/${unit.id}`)}">${unit.name}</a>`;
  const mark = signed
    ? html`<span class="s-ok">✓ ${t.overview.signed}</span>`
    : html`<span class="s-degraded">✗ ${t.overview.notSigned}</span>`;
  const when = lastData
    ? html`<div class="muted small">${t.overview.lastData(f.dateTime(lastData))}</div>`
    : "";
  return html`<tr data-unit="${unit.id}">
<td class="name" data-label="${t.overview.unit}"><strong>${name}</strong>${inactiveBadge(t, unit.active)}
<div class="muted small">${unit.leader?.name ?? ""}</div></td>
<td class="why" data-reason="${unit.id}" data-label="${t.overview.condition}">${conditionLine(f, unit.condition, unit.openIncidents)}${when}</td>
${
  unit.condition.level === "not_set_up"
    ? html`<td colspan="${CATEGORIES.length}" class="muted" data-label="${t.unit.checks}">${t.status.no_checks}</td>`
    : CATEGORIES.map((c) => categoryCell(chrome, unit, c))
}
${tdNum(f.percent(unit.availability), t.unit.availability)}
<td data-signed="${signed ? unit.id : ""}" data-label="${t.report.signedCol}">${mark}</td>
</tr>`;
}

function unitTable(chrome: Chrome, units: readonly UnitStatus[], options: OverviewOptions): Html {
  const { f } = chrome;
  const { t } = f;
  if (units.length === 0) return html`<p>${t.overview.noUnits}</p>`;
  const head = thead([
    th(t.overview.unit),
    th(t.overview.condition),
    ...CATEGORIES.map((c) => html`<th title="${t.categoryLong[c]}">${t.categories[c]}</th>`),
    thNum(t.unit.availability),
    th(t.overview.signedIn(f.period(options.period)), html`data-period="${options.period.id}"`),
  ]);
  const rows = units.map((unit) => unitRow(chrome, unit, options.signed.has(unit.id)));
  return html`<table id="overview" class="stack"><caption>${t.overview.caption}</caption>${head}
<tbody>${rows}</tbody></table>`;
}

function totals(chrome: Chrome, units: readonly UnitStatus[], options: OverviewOptions): Html {
  const { f } = chrome;
  const words = f.t.overview.totals;
  const count = (...levels: string[]) =>
    units.filter((u) => levels.includes(u.condition.level)).length;
  const signed = units.filter((u) => options.signed.has(u.id)).length;
  const item = (text: string, bad: boolean) =>
    html`<li class="${bad ? "t-bad" : "t-ok"}">${text}</li>`;
  const problems = count("down", "degraded");
  const silent = count("silent");
  const notSetUp = count("not_set_up");
  return html`<section class="totals" aria-label="${words.caption}"><ul>
${html`<li>${words.units(units.length)}</li>`}
${item(words.problems(problems), problems > 0)}
${item(words.silent(silent), silent > 0)}
${item(words.notSetUp(notSetUp), notSetUp > 0)}
${item(words.signed(signed, units.length, f.period(options.period)), signed < units.length)}
</ul></section>`;
}

export function renderOverview(
  chrome: Chrome,
  data: UnitsStatus,
  options: OverviewOptions,
): string {
  const { f } = chrome;
  const { t } = f;
  const units = sortUnits(data.units, options.sort);
  const query = { window: options.window, sort: options.sort, period: options.period.id };
  const windows = windowChoice(t, options.window, (w) =>
    link(chrome, "/", { ...query, window: w }),
  );
  const other = options.sort === "worst" ? "name" : "worst";
  const sortHref = link(chrome, "/", { ...query, sort: other });
  const sortName = options.sort === "worst" ? t.overview.sortName : t.overview.sortWorst;
  const periods = periodChoice(
    chrome,
    options.period,
    options.periods,
    options.neighbours,
    (period) => link(chrome, "/", { ...query, period }),
    { window: options.window, sort: options.sort },
  );
  const board = link(chrome, "/reports", { period: options.period.id });
  const body = html`<h1>${t.overview.heading}</h1>
${totals(chrome, units, options)}
<div class="controls noprint">${windows} <a href="${sortHref}">${sortName}</a></div>
${unitTable(chrome, units, options)}
<p class="muted small">${f.dateTime(data.from)} – ${f.dateTime(data.to)}</p>
<div class="controls noprint">${t.period.label}: ${periods} <a href="${board}">${t.nav.cityReport} ${f.period(options.period)}</a></div>`;
  return layout(chrome, t.overview.heading, body);
}
