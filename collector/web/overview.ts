// The plain start page: every unit and its agents with the time each was last seen.
import type { AgentRow } from "../store/agents.js";
import type { UnitRow } from "../store/units.js";
import { type Html, html, page } from "./html.js";

export function renderOverview(
  units: readonly UnitRow[],
  agents: readonly AgentRow[],
  now: number,
  /** Who is logged in (web/login.ts userBar). */
  header: Html = html``,
): string {
  const rows = units.map((unit) => {
    const own = agents.filter((agent) => agent.unit === unit.id);
    const agentList = own.length
      ? own.map(
          (agent) =>
            html`<div>${agent.name}${agent.hostname ? html` <span class="muted">(${agent.hostname})</span>` : ""}: ${
              agent.revokedAt ? "revoked" : lastSeen(agent.lastSeen, now)
            }</div>`,
        )
      : html`<span class="muted">no agent enrolled</span>`;
    return html`<tr><td>${unit.name}<div class="muted">${unit.id}${unit.active ? "" : " · inactive"}</div></td>
<td>${unit.leader?.name ?? ""}</td><td>${agentList}</td></tr>`;
  });
  return page(
    "Units",
    html`${header}<h1>giamsat</h1>
<table><thead><tr><th>Unit</th><th>Leader in charge of IT</th><th>Agents (last seen)</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="muted"><a href="/metrics">/metrics</a> · <a href="/healthz">/healthz</a></p>`,
  );
}

function lastSeen(ts: number | null, now: number): string {
  if (ts === null) return "never";
  const seconds = Math.max(0, Math.round((now - ts) / 1000));
  const when = new Date(ts).toISOString().replace("T", " ").slice(0, 19);
  return `${when} UTC (${seconds} s ago)`;
}
