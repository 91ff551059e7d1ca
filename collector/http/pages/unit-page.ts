// One unit (GET /units/:id): who answers for its IT, each category with its checks (state,
// availability, coverage, a trend line), open and recent incidents with their causes, equipment and
// network-device inventory, the agents, and the inspection sign-offs with the form to add one.
import { CATEGORIES } from "../../../shared/categories.js";
import type { Incident } from "../../inspection/incident-list.js";
import type { InventoryItem } from "../../inspection/inventory.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { TrendPoint } from "../../inspection/trends.js";
import type { CategoryStatus, CheckRow, Person, UnitDetail } from "../../inspection/unit-status.js";
import { Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";
import { type Chrome, layout, link, statusCell } from "./layout.js";
import { signoffForm, signoffHistory } from "./signoff.js";
import { sparkline } from "./sparkline.js";
import { categoryStatus, checkStatus } from "./status.js";

/** An inventory as the unit page lists it: the newest of its check, with its count of changes. */
export interface InventoryEntry extends InventoryItem {
  changed: number;
}

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
  period: string;
  /** Set when the user may sign off: the form's CSRF token. */
  signoffCsrf: string | undefined;
}

/** The translated reason of a failure, with the probe's own words after it. */
export function reasonText(f: Formatter, reason: string | null, message: string | null): string {
  const known = reason ? (f.t.reasons as Record<string, string>)[reason] : undefined;
  const said = known ?? reason ?? "";
  return message ? `${said}: ${message}` : said;
}

function person(p: Person | null): Html {
  if (!p) return html`<span class="muted">—</span>`;
  return html`<strong>${p.name}</strong>${p.title ? html`, ${p.title}` : ""}${
    p.phone ? html` · ${p.phone}` : ""
  }${p.email ? html` · ${p.email}` : ""}`;
}

function incidentRows(chrome: Chrome, incidents: readonly Incident[]): Html {
  const { f } = chrome;
  if (incidents.length === 0) return html`<p class="muted">${f.t.unit.noIncidents}</p>`;
  return html`<table class="incidents"><thead><tr><th>${f.t.unit.check}</th><th>${f.t.unit.started}</th><th>${f.t.unit.ended}</th><th class="num">${f.t.unit.duration}</th><th>${f.t.unit.cause}</th></tr></thead><tbody>${incidents.map(
    (i) =>
      html`<tr><td>${i.kind === "silence" ? html`${i.agent} <span class="muted">(${f.t.reasons.silent})</span>` : html`${i.check ?? ""} <span class="muted">${i.agent}</span>`}${
        i.category
          ? html`<div class="muted">${(f.t.categories as Record<string, string>)[i.category] ?? i.category}</div>`
          : ""
      }</td><td>${f.dateTime(i.start)}</td><td>${i.end === null ? "…" : f.dateTime(i.end)}</td><td class="num">${f.duration(i.durationMs)}</td><td>${reasonText(f, i.kind === "silence" ? "silent" : i.reason, i.message)}${
        i.cause === "link" ? html` <strong>(${f.t.unit.causedByLink})</strong>` : ""
      }</td></tr>`,
  )}</tbody></table>`;
}

/** A few lines that say what a host or device is; every value is escaped by html``. */
function inventorySummary(f: Formatter, item: InventoryEntry): Html {
  const data = (item.data ?? {}) as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === "string" || typeof value === "number" ? String(value) : "";
  if (item.kind === "host") {
    const system = (data.system ?? {}) as Record<string, unknown>;
    const os = (data.os ?? {}) as Record<string, unknown>;
    const cpu = (data.cpu ?? {}) as Record<string, unknown>;
    const software = data.software as { total?: number; packages?: unknown[] } | undefined;
    return html`${text(os.hostname)} — ${text(system.manufacturer)} ${text(system.model)}; ${text(os.distro)} ${text(os.release)}; ${text(cpu.brand)}${
      software?.total !== undefined ? html`; ${software.total} ${f.t.unit.software}` : ""
    }`;
  }
  if (item.kind === "snmp") {
    const interfaces = Array.isArray(data.interfaces) ? data.interfaces.length : 0;
    return html`<strong>${text(data.sysName)}</strong> — ${text(data.sysDescr)}${interfaces ? html` (${interfaces} ${f.t.unit.interfaces})` : ""}${
      data.sysLocation ? html`; ${text(data.sysLocation)}` : ""
    }`;
  }
  return html`${JSON.stringify(data).slice(0, 300)}`;
}

const WINDOWS = ["24h", "7d", "30d"];

export function renderUnitPage(chrome: Chrome, data: UnitPageData): string {
  const { f } = chrome;
  const { t } = f;
  const { unit } = data;
  const categorySections = CATEGORIES.map((category) => {
    const view = unit.categories[category] as CategoryStatus;
    const checks = data.checks.filter((c) => c.category === category);
    return html`<section data-category="${category}">
<h2>${t.categoryLong[category]} — ${statusCell(chrome, categoryStatus(view))}
<span class="muted">${t.unit.availability} ${f.percent(view.availability)} · ${t.unit.coverage} ${f.percent(view.coverage)}</span></h2>
${
  checks.length === 0
    ? html`<p class="muted">${t.status.no_data}</p>`
    : html`<table><thead><tr><th>${t.unit.check}</th><th>${t.unit.kind}</th><th>${t.unit.state}</th><th class="num">${t.unit.availability}</th><th class="num">${t.unit.coverage}</th><th>${t.unit.trend}</th></tr></thead><tbody>${checks.map(
        (c) =>
          html`<tr data-check="${c.check}"><td>${c.check} <span class="muted">${c.agent}</span></td><td>${c.kind}</td><td>${statusCell(chrome, checkStatus(c.state))}${
            c.state === "down"
              ? html`<div class="muted">${reasonText(f, c.reason, c.message)}</div>`
              : ""
          }</td><td class="num">${f.percent(c.availability)}</td><td class="num">${f.percent(c.coverage)}</td><td>${
            // sparkline() writes numbers and an escaped label only: safe to insert as markup.
            new Html(
              sparkline(data.trends.get(`${c.agent}/${c.check}`) ?? [], {
                label: `${c.check}: ${t.unit.duration}`,
                gapMs: 10 * 60_000,
              }),
            )
          }</td></tr>`,
      )}</tbody></table>`
}
</section>`;
  });
  const hosts = data.inventory.filter((i) => i.kind === "host");
  const devices = data.inventory.filter((i) => i.kind === "snmp");
  const inventoryTable = (items: readonly InventoryEntry[]) =>
    items.length === 0
      ? html`<p class="muted">${t.unit.noInventory}</p>`
      : html`<table><tbody>${items.map(
          (i) =>
            html`<tr data-inventory="${i.agent}/${i.check}"><td>${i.check} <span class="muted">${i.agent}</span></td><td>${inventorySummary(f, i)}</td><td class="num">${f.dateTime(i.ts)}</td></tr>`,
        )}</tbody></table>`;
  const body = html`<h1>${unit.name}${unit.active ? "" : html` <span class="badge muted">${t.unit.inactive}</span>`}</h1>
<table class="people"><tbody>
<tr><th>${t.unit.leader}</th><td data-leader>${person(unit.leader)}</td></tr>
<tr><th>${t.unit.contact}</th><td>${person(unit.contact)}</td></tr>
</tbody></table>
<p class="noprint"><a href="${link(chrome, `/reports/${unit.id}`, { period: data.period })}">${t.unit.report} ${data.period}</a></p>
<p class="noprint">${t.unit.window}: ${WINDOWS.map(
    (w, i) =>
      html`${i ? " · " : ""}${
        w === data.window
          ? html`<strong>${w}</strong>`
          : html`<a href="${link(chrome, `/units/${unit.id}`, { window: w })}">${w}</a>`
      }`,
  )}</p>
<p class="muted">${f.dateTime(data.from)} – ${f.dateTime(data.to)}</p>
<h2>${t.unit.incidentsOpen}</h2>
${incidentRows(chrome, data.openIncidents)}
${categorySections}
<h2>${t.unit.incidentsRecent}</h2>
${incidentRows(chrome, data.recentIncidents)}
<h2>${t.unit.equipment}</h2>
${inventoryTable(hosts)}
<h2>${t.unit.devices}</h2>
${inventoryTable(devices)}
<h2>${t.unit.agents}</h2>
<table><tbody>${unit.agents.map(
    (a) =>
      html`<tr><td>${a.name}${a.hostname ? html` <span class="muted">(${a.hostname})</span>` : ""}</td><td>${
        a.revoked
          ? t.unit.revoked
          : a.lastSeen === null
            ? t.unit.never
            : html`${t.unit.lastSeen}: ${f.dateTime(a.lastSeen)}`
      }</td></tr>`,
  )}</tbody></table>
<h2>${t.signoff.heading} ${data.period}</h2>
${signoffHistory(chrome, data.signoffs)}
${data.signoffCsrf ? signoffForm(chrome, unit.id, data.period, data.signoffCsrf) : ""}`;
  return layout(chrome, unit.name, body);
}
