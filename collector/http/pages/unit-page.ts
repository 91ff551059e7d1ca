// One unit (GET /units/:id): its condition now and why, who answers for its IT, its categories
// over time (status timelines, availability month by month against the target), its checks, every
// incident of the window page by page, its equipment and what changed, its monitoring agents, the
// notifications sent about it, and the inspection sign-offs with the form its leader signs with.
import type { Period } from "../../../shared/api-query.js";
import type { BufferLoss } from "../../inspection/buffer-losses.js";
import { AVAILABILITY_TARGET } from "../../inspection/findings.js";
import type { Incident } from "../../inspection/incident-list.js";
import type { InventoryItem } from "../../inspection/inventory.js";
import type { LanDevice } from "../../inspection/lan-devices.js";
import type { MaintenanceWindowView } from "../../inspection/maintenance-list.js";
import type { Signoff } from "../../inspection/signoffs.js";
import type { MonthFigure, TimelineSlot } from "../../inspection/timeline.js";
import type { AgentInfo, CheckRow, Person, UnitDetail } from "../../inspection/unit-status.js";
import type { SentMessage } from "../../notifications/messages.js";
import { type CentralChecksForm, centralChecksSection } from "./central-checks.js";
import { monthsChart } from "./charts.js";
import { inactiveBadge, muted, none, windowChoice } from "./components.js";
import { conditionLine } from "./condition.js";
import { type DiscoveryForm, discoverySection } from "./discovery-section.js";
import { type Html, html } from "./html.js";
import { incidentTable, type Paging, pagingBar } from "./incidents.js";
import { changeList, type InventoryEntry, inventoryTable, lanDeviceTable } from "./inventory.js";
import { type Chrome, layout, link } from "./layout.js";
import { maintenanceList } from "./maintenance.js";
import { endButton, type MaintenanceFormState, maintenanceForm } from "./maintenance-form.js";
import { notificationTable } from "./notifications.js";
import { periodWords, type SignoffFormState, signoffForm, signoffHistory } from "./signoff.js";
import { categorySections, timelines } from "./unit-checks.js";

export interface UnitPageData {
  unit: UnitDetail;
  /** The window as written (24h, 7d, 30d), for the links, and its bounds. */
  window: string;
  from: number;
  to: number;
  checks: readonly CheckRow[];
  timelines: ReadonlyMap<string, readonly TimelineSlot[]>;
  months: readonly MonthFigure[];
  /** A page of the window's incidents. */
  incidents: readonly Incident[];
  paging: Paging;
  inventory: readonly InventoryEntry[];
  /** The devices discovery found on the unit's LAN. */
  lanDevices: readonly LanDevice[];
  changes: readonly (InventoryItem & { title: string | null })[];
  signoffs: readonly Signoff[];
  /** Planned maintenance windows of the unit on now or to come. */
  maintenance: readonly MaintenanceWindowView[];
  /** The latest notifications sent about the unit. */
  notifications: readonly SentMessage[];
  /** What the agents' buffers lost in the window. */
  losses: readonly BufferLoss[];
  /** The period the report link opens: the month just ended. */
  period: Period;
  /** Set when the user is the unit's leader: the form. */
  signoff: SignoffFormState | undefined;
  /** The sign-off just saved, to confirm it. */
  saved: Signoff | undefined;
  /** The user may make the unit's enrollment codes: the page links to them. */
  enrollmentCodes?: boolean;
  /** The user may change the unit's central checks: the form. */
  central?: CentralChecksForm | undefined;
  /** The user may discover on the unit: the last run, what it found, and the forms. */
  discovery?: DiscoveryForm | undefined;
  /** Set when the user may declare and end the unit's maintenance windows: the forms. */
  maintenanceForm?: MaintenanceFormState | undefined;
}

function person(p: Person | null): Html {
  if (!p) return muted("—");
  const title = p.title ? html`, ${p.title}` : "";
  const phone = p.phone ? html` · ${p.phone}` : "";
  const email = p.email ? html` · ${p.email}` : "";
  return html`<strong>${p.name}</strong>${title}${phone}${email}`;
}

function agentRow(chrome: Chrome, a: AgentInfo, loss: BufferLoss | undefined): Html {
  const { f } = chrome;
  const { t } = f;
  const host = a.hostname ? html` ${muted(`(${a.hostname})`)}` : "";
  const seen = a.revoked
    ? t.unit.revoked
    : a.lastSeen === null
      ? t.unit.never
      : html`${t.unit.lastSeen}: ${f.dateTime(a.lastSeen)}`;
  const lost = loss
    ? html` · <span class="problem">${t.unit.bufferLost(loss.corruptFiles, f.number(loss.samples))}</span>`
    : "";
  return html`<li>${a.name}${host} — ${seen}${lost}</li>`;
}

function header(chrome: Chrome, data: UnitPageData): Html {
  const { f } = chrome;
  const { t } = f;
  const { unit } = data;
  const saved = data.saved
    ? html`<p class="notice" role="status">${t.signoff.saved(periodWords(f, data.saved.period), f.dateTime(data.saved.recordedAt))}</p>`
    : "";
  const advice =
    unit.condition.level === "not_set_up"
      ? html`<p class="problem">${t.conditions.notSetUpAdvice}</p>`
      : "";
  const report = link(chrome, `/reports/${unit.id}`, { period: data.period.id });
  return html`<h1>${unit.name}${inactiveBadge(t, unit.active)}</h1>
${saved}
<p><strong>${t.unit.condition}:</strong> ${conditionLine(f, unit.condition, unit.openIncidents)}</p>
${advice}
<table class="people stack"><caption>${t.unit.people}</caption><tbody>
<tr><th>${t.unit.leader}</th><td data-leader>${person(unit.leader)}</td></tr>
<tr><th>${t.unit.contact}</th><td>${person(unit.contact)}</td></tr>
</tbody></table>
<div class="controls noprint">${windowChoice(t, data.window, (w) => link(chrome, `/units/${unit.id}`, { window: w }))}
<a href="${report}">${t.unit.report} ${f.period(data.period)}</a></div>`;
}

export function renderUnitPage(chrome: Chrome, data: UnitPageData): string {
  const { f } = chrome;
  const { t } = f;
  const { unit } = data;
  const hosts = data.inventory.filter((i) => i.kind === "host");
  const devices = data.inventory.filter((i) => i.kind === "snmp");
  const windowName = t.windows[data.window as "24h"] ?? data.window;
  const sign = data.signoff
    ? signoffForm(chrome, unit.id, data.signoff)
    : html`<p class="muted">${t.signoff.notAllowed}</p>`;
  const body = html`${header(chrome, data)}
<h2>${t.unit.incidentsOpen}</h2>
${incidentTable(f, unit.incidents, t.unit.incidentsOpen)}
${timelines(chrome, data.timelines, data.from, data.to)}
<section><h2>${t.unit.months}</h2>
${data.months.some((m) => m.availability !== null) ? monthsChart(f, data.months, AVAILABILITY_TARGET) : none(t.unit.noMonths)}
<p class="small muted">${t.unit.monthsCaption(f.percent(AVAILABILITY_TARGET))}</p></section>
<h2>${t.unit.checks}</h2>
${categorySections(chrome, unit, data.checks)}
<h2 id="incidents">${t.unit.incidents}</h2>
<p>${t.incidents.count(data.paging.total, windowName)}</p>
${incidentTable(f, data.incidents, t.incidents.count(data.paging.total, windowName))}
${pagingBar(f, data.paging)}
<h2>${t.unit.equipment}</h2>
${inventoryTable(f, hosts, t.unit.equipment)}
<h3>${t.unit.devices}</h3>
${inventoryTable(f, devices, t.unit.devices)}
<h3>${t.discovery.inventory.heading}</h3>
${lanDeviceTable(f, data.lanDevices)}
<h3>${t.changes.heading}</h3>
${changeList(f, data.changes)}
<h2>${t.unit.agents}</h2>
${
  unit.agents.length
    ? html`<ul>${unit.agents.map((a) =>
        agentRow(
          chrome,
          a,
          data.losses.find((l) => l.agent === a.name),
        ),
      )}</ul>`
    : none(t.conditions.not_set_up(0))
}
${data.enrollmentCodes ? html`<p class="noprint"><a href="${link(chrome, `/units/${unit.id}/enrollment-codes`)}" id="codes-link">${t.codes.link}</a></p>` : ""}
${data.central ? centralChecksSection(chrome, unit.id, data.central) : ""}
${data.discovery ? discoverySection(chrome, unit.id, data.discovery) : ""}
<h2 id="maintenance">${t.maintenance.heading}</h2>
${maintenanceList(f, data.maintenance, (w) => (data.maintenanceForm ? endButton(chrome, unit.id, w, data.maintenanceForm.csrf) : ""))}
${data.maintenanceForm ? maintenanceForm(chrome, unit.id, data.maintenanceForm) : ""}
<h2 id="notifications">${t.notifications.heading}</h2>
${notificationTable(f, data.notifications)}
<h2 id="signoffs">${t.signoff.heading}</h2>
${signoffHistory(chrome, data.signoffs)}
${sign}`;
  return layout(chrome, unit.name, body);
}
