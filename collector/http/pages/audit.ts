// The audit log page for admins: newest first, 200 a page, each change with who made it and when
// (in UTC, to the second, as the log keeps it).
import type { AuditRow } from "../../auth/audit.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout, link } from "./layout.js";

/** Rows a page of the log shows; a full page links to the one before. */
export const AUDIT_PAGE = 200;

function auditRow(row: AuditRow): Html {
  const at = `${new Date(row.at).toISOString().replace("T", " ").slice(0, 19)} UTC`;
  const detail = row.detail ? JSON.stringify(row.detail) : "";
  const cells = [td(at), td(row.actor), td(row.action), td(row.unit ?? ""), td(row.target ?? "")];
  return html`<tr>${cells}${td(detail)}</tr>`;
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
<table>${head}
<tbody>${rows.map(auditRow)}</tbody></table>
${older}`;
  return layout(chrome, audit.heading, body);
}
