// One unit (GET /units/:id): who answers for its IT, each category with its checks (state,
// availability, coverage, a trend line), open and recent incidents with their causes, equipment and
// network-device inventory, the agents, the notifications sent about it, and the inspection
// sign-offs with the form to add one.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import type { Incident } from "../../inspection/incident-list.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { TrendPoint } from "../../inspection/trends.js";
import type {
  AgentInfo,
  CategoryStatus,
  CheckRow,
  Person,
  UnitDetail,
} from "../../inspection/unit-status.js";
import type { SentMessage } from "../../notifications/messages.js";
import {
  checkOf,
  inactiveBadge,
  joined,
  muted,
  none,
  td,
  tdNum,
  th,
  thead,
  thNum,
  windowChoice,
} from "./components.js";
import { Html, html } from "./html.js";
import { incidentTable, reasonText } from "./incidents.js";
import { type InventoryEntry, inventoryTable } from "./inventory.js";
import { type Chrome, layout, link, statusCell } from "./layout.js";
import { notificationTable } from "./notifications.js";
import { signoffForm, signoffHistory } from "./signoff.js";
import { sparkline } from "./sparkline.js";
import { categoryStatus, checkStatus } from "./status.js";

export interface UnitPageData {
  unit: UnitDetail;
  from: number;
  to: number;
  /** The window as written (24h, 7d, 30d), for the links. */
  window: string;
  checks: readonly CheckRow[];
  openIncidents: readonly Incident[];
  recentIncidents: readonly Incident[];
  /** Check duration over the window, keyed "agent/check". */
  trends: ReadonlyMap<string, readonly TrendPoint[]>;
  inventory: readonly InventoryEntry[];
  signoffs: readonly Signoff[];
  /** The latest notifications sent about the unit. */
  notifications: readonly SentMessage[];
  period: string;
  /** Set when the user may sign off: the form's CSRF token. */
  signoffCsrf: string | undefined;
}

function person(p: Person | null): Html {
  if (!p) return muted("—");
  const title = p.title ? html`, ${p.title}` : "";
  const phone = p.phone ? html` · ${p.phone}` : "";
  const email = p.email ? html` · ${p.email}` : "";
  return html`<strong>${p.name}</strong>${title}${phone}${email}`;
}

function checkRow(chrome: Chrome, data: UnitPageData, c: CheckRow): Html {
  const { f } = chrome;
  const reason =
    c.state === "down" ? html`<div class="muted">${reasonText(f, c.reason, c.message)}</div>` : "";
  // sparkline() writes numbers and an escaped label only: safe to insert as markup.
  const trend = new Html(
    sparkline(data.trends.get(`${c.agent}/${c.check}`) ?? [], {
      label: `${c.check}: ${f.t.unit.duration}`,
      gapMs: 10 * 60_000,
    }),
  );
  return html`<tr data-check="${c.check}">${[
    td(checkOf(c.check, c.agent)),
    td(c.kind),
    td(html`${statusCell(chrome, checkStatus(c.state))}${reason}`),
    tdNum(f.percent(c.availability)),
    tdNum(f.percent(c.coverage)),
    td(trend),
  ]}</tr>`;
}

function categorySection(chrome: Chrome, data: UnitPageData, category: Category): Html {
  const { f } = chrome;
  const { t } = f;
  const view = data.unit.categories[category] as CategoryStatus;
  const checks = data.checks.filter((c) => c.category === category);
  const availability = html`${t.unit.availability} ${f.percent(view.availability)}`;
  const coverage = html`${t.unit.coverage} ${f.percent(view.coverage)}`;
  const head = thead([
    th(t.unit.check),
    th(t.unit.kind),
    th(t.unit.state),
    thNum(t.unit.availability),
    thNum(t.unit.coverage),
    th(t.unit.trend),
  ]);
  const table =
    checks.length === 0
      ? none(t.status.no_data)
      : html`<table>${head}<tbody>${checks.map((c) => checkRow(chrome, data, c))}</tbody></table>`;
  return html`<section data-category="${category}">
<h2>${t.categoryLong[category]} — ${statusCell(chrome, categoryStatus(view))}
${muted(html`${availability} · ${coverage}`)}</h2>
${table}
</section>`;
}

function agentRow(chrome: Chrome, a: AgentInfo): Html {
  const { f } = chrome;
  const { t } = f;
  const host = a.hostname ? html` ${muted(`(${a.hostname})`)}` : "";
  const seen = a.revoked
    ? t.unit.revoked
    : a.lastSeen === null
      ? t.unit.never
      : html`${t.unit.lastSeen}: ${f.dateTime(a.lastSeen)}`;
  return html`<tr>${td(html`${a.name}${host}`)}${td(seen)}</tr>`;
}

export function renderUnitPage(chrome: Chrome, data: UnitPageData): string {
  const { f } = chrome;
  const { t } = f;
  const { unit } = data;
  const report = link(chrome, `/reports/${unit.id}`, { period: data.period });
  const windows = windowChoice(data.window, (w) =>
    link(chrome, `/units/${unit.id}`, { window: w }),
  );
  const hosts = data.inventory.filter((i) => i.kind === "host");
  const devices = data.inventory.filter((i) => i.kind === "snmp");
  const form = data.signoffCsrf ? signoffForm(chrome, unit.id, data.period, data.signoffCsrf) : "";
  const body = html`<h1>${unit.name}${inactiveBadge(t, unit.active)}</h1>
<table class="people"><tbody>
<tr><th>${t.unit.leader}</th><td data-leader>${person(unit.leader)}</td></tr>
<tr><th>${t.unit.contact}</th><td>${person(unit.contact)}</td></tr>
</tbody></table>
<p class="noprint"><a href="${report}">${t.unit.report} ${data.period}</a></p>
<p class="noprint">${t.unit.window}: ${joined(windows, " · ")}</p>
<p class="muted">${f.dateTime(data.from)} – ${f.dateTime(data.to)}</p>
<h2>${t.unit.incidentsOpen}</h2>
${incidentTable(f, data.openIncidents)}
${CATEGORIES.map((category) => categorySection(chrome, data, category))}
<h2>${t.unit.incidentsRecent}</h2>
${incidentTable(f, data.recentIncidents)}
<h2>${t.unit.equipment}</h2>
${inventoryTable(f, hosts)}
<h2>${t.unit.devices}</h2>
${inventoryTable(f, devices)}
<h2>${t.unit.agents}</h2>
<table><tbody>${unit.agents.map((a) => agentRow(chrome, a))}</tbody></table>
<h2 id="notifications">${t.notifications.heading}</h2>
${notificationTable(f, data.notifications)}
<h2>${t.signoff.heading} ${data.period}</h2>
${signoffHistory(chrome, data.signoffs)}
${form}`;
  return layout(chrome, unit.name, body);
}
