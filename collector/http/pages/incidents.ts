// Incidents as the unit page lists them: what failed (or which monitoring agent went silent), when,
// how long, and why in words; the probe's own message is kept for IT staff behind the details.
// Long lists come a page at a time, saying how many there are.
import type { Category } from "../../../shared/categories.js";
import type { Incident } from "../../inspection/incident-list.js";
import { checkName, none, td, tdNum, technical, th, thead, thNum } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

/** A failure's reason in words; one the catalogue does not know, as it is. */
export function reasonText(f: Formatter, reason: string | null): string {
  if (!reason) return "";
  return (f.t.reasons as Record<string, string>)[reason] ?? reason;
}

/**
 * The reason in words followed by the agent's own message, for messages to a unit's IT staff (the
 * pages keep the message behind a detail).
 */
export function reasonWithMessage(f: Formatter, reason: string | null, message: string | null) {
  const said = reasonText(f, reason);
  return message ? (said ? `${said}: ${message}` : message) : said;
}

/** The reason of an incident: its agent's silence, or its check's failure. */
export function incidentReason(f: Formatter, incident: Incident): string {
  return reasonText(f, incident.kind === "silence" ? "silent" : incident.reason);
}

/** " (caused by the data-center link)" after an incident the link explains. */
export function linkCause(f: Formatter, incident: Incident): Html | "" {
  return incident.cause === "link" ? html` <em>(${f.t.unit.causedByLink})</em>` : "";
}

/** What an incident is about: the check's title, or the agent that went silent. */
export function incidentSubject(f: Formatter, incident: Incident): string {
  return incident.kind === "silence"
    ? `${f.t.unit.agents}: ${incident.agent}`
    : checkName(incident);
}

function incidentRow(f: Formatter, i: Incident): Html {
  const { t } = f;
  const category = i.category
    ? html`<div class="muted small">${t.categories[i.category as Category] ?? i.category}</div>`
    : "";
  const raw = [i.agent, i.check, i.message].filter(Boolean).join(" · ");
  return html`<tr data-incident="${i.id}">${[
    td(html`${incidentSubject(f, i)}${category}`, t.unit.check),
    td(f.dateTime(i.start), t.unit.started),
    td(i.end === null ? t.incidents.open : f.dateTime(i.end), t.unit.ended),
    tdNum(f.duration(i.durationMs), t.unit.duration),
    td(
      html`${incidentReason(f, i)}${linkCause(f, i)}${raw ? technical(t, raw) : ""}`,
      t.unit.cause,
    ),
  ]}</tr>`;
}

export function incidentTable(f: Formatter, incidents: readonly Incident[], caption: string): Html {
  const { unit } = f.t;
  if (incidents.length === 0) return none(unit.noIncidents);
  const head = thead([
    th(unit.check),
    th(unit.started),
    th(unit.ended),
    thNum(unit.duration),
    th(unit.cause),
  ]);
  const rows = incidents.map((i) => incidentRow(f, i));
  return html`<table class="incidents stack"><caption class="sr-only">${caption}</caption>${head}<tbody>${rows}</tbody></table>`;
}

/** A page of a long list: where it is, and links to the pages before and after. */
export interface Paging {
  page: number;
  pages: number;
  total: number;
  size: number;
  href(page: number): string;
}

export function pagingBar(f: Formatter, paging: Paging): Html | "" {
  const { t } = f;
  if (paging.total === 0) return "";
  const first = (paging.page - 1) * paging.size + 1;
  const last = Math.min(paging.total, paging.page * paging.size);
  const newer =
    paging.page > 1
      ? html`<a href="${paging.href(paging.page - 1)}" rel="prev">${t.incidents.newer}</a>`
      : "";
  const older =
    paging.page < paging.pages
      ? html`<a href="${paging.href(paging.page + 1)}" rel="next">${t.incidents.older}</a>`
      : "";
  return html`<p class="paging noprint">${newer} <span>${t.incidents.page(paging.page, paging.pages)} (${t.incidents.showing(first, last, paging.total)})</span> ${older}</p>`;
}
