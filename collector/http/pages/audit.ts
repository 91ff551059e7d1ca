// The audit log page for admins: newest first, 200 a page.
import type { AuditRow } from "../../auth/audit.js";
import { type Html, html, page } from "./html.js";

export function renderAudit(rows: readonly AuditRow[], header: Html): string {
  const body = rows.map(
    (row) =>
      html`<tr><td>${new Date(row.at).toISOString().replace("T", " ").slice(0, 19)} UTC</td><td>${row.actor}</td><td>${row.action}</td><td>${row.unit ?? ""}</td><td>${row.target ?? ""}</td><td>${row.detail ? JSON.stringify(row.detail) : ""}</td></tr>`,
  );
  const last = rows[rows.length - 1];
  return page(
    "Audit",
    html`${header}<h1>Nhật ký / Audit log</h1>
<table><thead><tr><th>When</th><th>Who</th><th>What</th><th>Unit</th><th>Agent or user</th><th>Detail</th></tr></thead>
<tbody>${body}</tbody></table>
${rows.length === 200 && last ? html`<p><a href="/audit?before=${last.id}">Older</a></p>` : ""}`,
  );
}
