// The fleet page (GET /fleet): every agent with its unit, host, versions, uptime, when it was last
// heard, its clock offset, the samples waiting in its buffer, its central checks' state (with the
// agent's errors when it refused them) and what needs attention. A unit's users see their own only.
import type { FleetAgent, PackageListing } from "../../fleet/fleet-view.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, layout } from "./layout.js";

function uptime(seconds: number | null): string {
  if (seconds === null) return "";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

function agentRow(chrome: Chrome, agent: FleetAgent): Html {
  const { f } = chrome;
  const w = f.t.fleet;
  const { checks, own } = agent.central;
  const count = checks > 0 ? html` <span class="small">(${w.checkCount(checks, own)})</span>` : "";
  const central = html`${w.states[agent.central.state]}${count}${
    agent.central.errors.length
      ? html`<ul class="small">${agent.central.errors.map((e) => html`<li>${e}</li>`)}</ul>`
      : ""
  }`;
  const problems = [
    ...agent.flags.map((flag) => w.flags[flag]),
    ...(agent.droppedSamples > 0 ? [w.dropped(agent.droppedSamples)] : []),
    ...(agent.checkErrors > 0 ? [w.errors(agent.checkErrors)] : []),
  ];
  const { upgrade } = agent;
  const step =
    upgrade.state === null
      ? ""
      : `${upgrade.version}: ${w.upgradeSteps[upgrade.state]}${upgrade.reason ? ` (${upgrade.reason})` : ""}`;
  const upgradeText = [upgrade.target === null ? "" : w.target(upgrade.target), step]
    .filter(Boolean)
    .join("; ");
  return html`<tr data-agent="${agent.agent}">${[
    td(agent.unit, w.unit),
    td(agent.agent, w.agent),
    td(`${agent.hostname ?? ""} / ${agent.os ?? ""}`, w.host),
    td(`${agent.version ?? ""}${agent.node ? ` (${agent.node})` : ""}`, w.version),
    td(uptime(agent.uptimeSeconds), w.uptime),
    td(agent.lastSeen === null ? "" : f.dateTimeSeconds(agent.lastSeen), w.lastSeen),
    td(agent.clockOffsetSeconds === null ? "" : `${agent.clockOffsetSeconds} s`, w.offset),
    td(agent.bufferedSamples === null ? "" : w.waiting(agent.bufferedSamples), w.buffer),
    td(central, w.central),
    td(upgradeText, w.upgrade),
    td(problems.join(", "), w.problems),
  ]}</tr>`;
}

function packagesTable(chrome: Chrome, packages: readonly PackageListing[]): Html | string {
  const w = chrome.f.t.fleet;
  if (packages.length === 0) return "";
  const rows = packages.map(
    (p) =>
      html`<tr data-package="${p.file}">${[
        td(p.file, w.packageFile),
        td(p.valid ? w.offered : w.invalid(p.problem ?? ""), w.packageState),
      ]}</tr>`,
  );
  return html`<h2>${w.packages}</h2>
<table class="stack" id="packages"><caption>${w.packagesCaption}</caption>${thead(
    [w.packageFile, w.packageState].map((label) => th(label)),
  )}<tbody>${rows}</tbody></table>`;
}

export function renderFleet(
  chrome: Chrome,
  agents: readonly FleetAgent[],
  packages: readonly PackageListing[] = [],
): string {
  const w = chrome.f.t.fleet;
  const head = thead(
    [
      w.unit,
      w.agent,
      w.host,
      w.version,
      w.uptime,
      w.lastSeen,
      w.offset,
      w.buffer,
      w.central,
      w.upgrade,
      w.problems,
    ].map((label) => th(label)),
  );
  const body = html`<h1>${w.heading}</h1>
<table class="stack" id="fleet"><caption>${w.caption}</caption>${head}
<tbody>${agents.map((agent) => agentRow(chrome, agent))}</tbody></table>
${packagesTable(chrome, packages)}`;
  return layout(chrome, w.heading, body);
}
