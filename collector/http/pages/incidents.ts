// Incidents as the unit page lists them: what failed (or which agent was silent), when, how long,
// and why, in the reader's language, with the probe's own words after the reason.
import type { Incident } from "../../inspection/incident-list.js";
import { checkOf, muted, none, td, tdNum, th, thead, thNum } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

/** The translated reason of a failure, with the probe's own words after it. */
export function reasonText(f: Formatter, reason: string | null, message: string | null): string {
  const known = reason ? (f.t.reasons as Record<string, string>)[reason] : undefined;
  const said = known ?? reason ?? "";
  return message ? `${said}: ${message}` : said;
}

/** The reason of an incident: an agent's silence, or its check's failure. */
export function incidentReason(f: Formatter, incident: Incident, message: string | null): string {
  return reasonText(f, incident.kind === "silence" ? "silent" : incident.reason, message);
}

/** " (caused by the data-center link)" after an incident the link explains. */
export function linkCause(f: Formatter, incident: Incident, strong: boolean): Html | "" {
  if (incident.cause !== "link") return "";
  const text = `(${f.t.unit.causedByLink})`;
  return strong ? html` <strong>${text}</strong>` : html` ${text}`;
}

function incidentRow(f: Formatter, i: Incident): Html {
  const { t } = f;
  const what =
    i.kind === "silence"
      ? html`${i.agent} ${muted(`(${t.reasons.silent})`)}`
      : checkOf(i.title ?? i.check ?? "", i.agent);
  const category = i.category
    ? html`<div class="muted">${(t.categories as Record<string, string>)[i.category] ?? i.category}</div>`
    : "";
  return html`<tr>${[
    td(html`${what}${category}`),
    td(f.dateTime(i.start)),
    td(i.end === null ? "…" : f.dateTime(i.end)),
    tdNum(f.duration(i.durationMs)),
    td(html`${incidentReason(f, i, i.message)}${linkCause(f, i, true)}`),
  ]}</tr>`;
}

export function incidentTable(f: Formatter, incidents: readonly Incident[]): Html {
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
  return html`<table class="incidents">${head}<tbody>${rows}</tbody></table>`;
}
