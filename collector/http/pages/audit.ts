// The audit log page for admins: newest first, 200 a page, each change with who made it, what in
// words, and when, in Vietnam time to the second.
import type { AuditRow } from "../../auth/audit.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";

/** Rows a page of the log shows; a full page links to the one before. */
export const AUDIT_PAGE = 200;

function detailText(detail: Record<string, unknown> | null): string {
  if (!detail) return "";
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
    )
    .join("; ");
}

function auditRow(chrome: Chrome, row: AuditRow): Html {
  const { f } = chrome;
  const { audit } = f.t;
  const what = (audit.actions as Record<string, string>)[row.action] ?? row.action;
  return html`<tr>${[
    td(f.dateTimeSeconds(row.at), audit.when),
    td(row.actor, audit.who),
    td(what, audit.what),
    td(row.unit ?? "", audit.unit),
    td(row.target ?? "", audit.target),
    td(detailText(row.detail), audit.detail),
  ]}</tr>`;
}

export function renderAudit(chrome: Chrome, rows: readonly AuditRow[]): string {
  const { audit } = chrome.f.t;
  const head = thead([
    th(audit.when),
    th(audit.who),
    th(audit.what),
    th(audit.unit),
    th(audit.target),
    th(audit.detail),
  ]);
  const last = rows[rows.length - 1];
  const older =
    rows.length === AUDIT_PAGE && last
      ? html`<p><a href="${link(chrome, "/audit", { before: String(last.id) })}">${audit.older}</a></p>`
      : "";
  const body = html`<h1>${audit.heading}</h1>
<table class="stack"><caption>${audit.caption}</caption>${head}
<tbody>${rows.map((row) => auditRow(chrome, row))}</tbody></table>
${older}`;
  return layout(chrome, audit.heading, body);
}
