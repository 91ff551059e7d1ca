// The unit page's discovery section, for those who may discover on the unit: the last run of its
// LAN, a button that starts one, and what it found with the checks and dependencies proposed for
// each device, approved or ignored by a button. Each proposed check of a device not yet approved
// has a checkbox, ticked, of its Approve form: the ticked ones are approved, as the API's `checks`.
// The forms call the same actions as the JSON API (discovery/service.ts), so access, audit and the
// refusals are the same. Only check names and kinds are shown: a proposal holds no credential, only
// the place of one in collector.yaml.
import { HttpError } from "../../../shared/errors.js";
import { CSRF_FIELD } from "../../auth/csrf.js";
import { LOCAL_USER } from "../../auth/roles.js";
import type { Discovery, DiscoveryView } from "../../discovery/service.js";
import type { DiscoveryRun } from "../../discovery/store.js";
import type { RequestContext } from "../request.js";
import { redirect } from "../respond.js";
import { joined, kindName, muted, none, td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, link } from "./layout.js";

export interface DiscoveryForm {
  csrf: string;
  view: DiscoveryView;
  /** The last run, for its times (the view has its state and progress). */
  run: DiscoveryRun | undefined;
}

type Device = DiscoveryView["devices"][number];

function lastRun(chrome: Chrome, form: DiscoveryForm): Html {
  const { f } = chrome;
  const w = f.t.discovery;
  const { run } = form;
  if (!run) return none(w.never);
  const ended = run.finishedAt === null ? "" : html`, ${w.finished(f.dateTime(run.finishedAt))}`;
  const progress =
    run.state === "running" ? html`, ${w.progress(run.progress.swept, run.progress.total)}` : "";
  const error = run.error ? html` <span class="problem">${run.error}</span>` : "";
  return html`<p id="discovery-run" data-state="${run.state}">${w.run(w.states[run.state], f.dateTime(run.startedAt))}${ended}${progress}.${error}</p>
<p class="small muted">${w.networks}: ${run.networks.join(", ")}</p>`;
}

/** The next run of the unit's schedule, with the networks it names; nothing without a schedule. */
function nextRun(chrome: Chrome, form: DiscoveryForm): Html | string {
  const { f } = chrome;
  const w = f.t.discovery;
  const next = form.view.next;
  if (!next) return "";
  const networks = next.schedule.networks ? ` (${next.schedule.networks.join(", ")})` : "";
  const said = next.waiting ? w.waiting(f.dateTime(next.at)) : w.next(f.dateTime(next.at));
  return html`<p id="discovery-next" data-waiting="${String(next.waiting)}">${said}${networks}.</p>`;
}

function decisionButton(
  chrome: Chrome,
  unit: string,
  device: Device,
  csrf: string,
  decision: "approve" | "ignore",
): Html {
  const action = link(chrome, `/units/${unit}/discovery/devices/${device.address}`);
  // The check boxes in the row belong to the Approve form; the marker tells none ticked from none.
  const chosen =
    decision === "approve" ? html`<input type="hidden" name="${CHOSEN_FIELD}" value="1">` : "";
  const id = decision === "approve" ? html` id="${approveFormId(device)}"` : "";
  return html`<form method="post" class="inline"${id} action="${action}"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><input type="hidden" name="decision" value="${decision}">${chosen}<button type="submit">${chrome.f.t.discovery[decision]}</button></form>`;
}

const CHECK_FIELD = "check";
const CHOSEN_FIELD = "checksChosen";

function approveFormId(device: Device): string {
  return `approve-${device.address}`;
}

function deviceRow(chrome: Chrome, unit: string, device: Device, form: DiscoveryForm): Html {
  const { t } = chrome.f;
  const w = t.discovery;
  const named = new Map(form.view.devices.map((d) => [d.address, d.sysName]));
  const approvable = device.decision !== "approved";
  const checks = device.proposal.checks.map((c) => {
    const said = html`${c.name} ${muted(`(${kindName(t, c.kind)})`)}`;
    if (!approvable) return html`<li>${said}</li>`;
    return html`<li><label><input type="checkbox" form="${approveFormId(device)}" name="${CHECK_FIELD}" value="${c.name}" checked> ${said}</label></li>`;
  });
  const parents = device.proposal.dependsOn.map((address) => {
    const name = named.get(address);
    return name ? `${address} (${name})` : address;
  });
  const buttons = [
    approvable ? decisionButton(chrome, unit, device, form.csrf, "approve") : "",
    device.decision === "ignored" ? "" : decisionButton(chrome, unit, device, form.csrf, "ignore"),
  ];
  // The view says these as the store keeps them; a word the catalogue lacks is shown as kept.
  const said = (words: Readonly<Record<string, string>>, key: string) => words[key] ?? key;
  return html`<tr data-device="${device.address}">${[
    td(device.address, w.address),
    td(device.sysName ?? muted("—"), w.name),
    td(said(w.types, device.type), w.type),
    td(said(w.statuses, device.status), w.status),
    td(said(w.decisions, device.decision ?? "undecided"), w.decision),
    td(checks.length ? html`<ul>${checks}</ul>` : muted("—"), w.checks),
    td(parents.length ? joined(parents, ", ") : muted("—"), w.dependsOn),
    td(html`<span class="noprint">${buttons}</span>`, w.actions),
  ]}</tr>`;
}

export function discoverySection(chrome: Chrome, unit: string, form: DiscoveryForm): Html {
  const w = chrome.f.t.discovery;
  const devices = form.view.devices;
  const head = [w.address, w.name, w.type, w.status, w.decision, w.checks, w.dependsOn, w.actions];
  const table = devices.length
    ? html`<table class="stack" id="discovery-devices"><caption class="sr-only">${w.caption}</caption>${thead(head.map((h) => th(h)))}<tbody>${devices.map((d) => deviceRow(chrome, unit, d, form))}</tbody></table>`
    : none(w.noDevices);
  return html`<h2 id="discovery">${w.heading}</h2>
<p class="small muted">${w.intro}</p>
${lastRun(chrome, form)}
${nextRun(chrome, form)}
<form method="post" action="${link(chrome, `/units/${unit}/discovery`)}" class="noprint"><input type="hidden" name="${CSRF_FIELD}" value="${form.csrf}"><button type="submit" id="discovery-start">${w.start}</button></form>
${table}`;
}

type FormRoute = "discoveryStartForm" | "discoveryDecideForm";

/** The two forms' handlers: the service's own request and decide, then back to the unit page. */
export function discoveryFormHandlers(deps: {
  discovery: () => Discovery;
  chrome(request: RequestContext<FormRoute>): Chrome;
}) {
  const back = (request: RequestContext<FormRoute>, unit: string) =>
    redirect(request.response, `${link(deps.chrome(request), `/units/${unit}`)}#discovery`);
  return {
    discoveryStartForm(request: RequestContext<"discoveryStartForm">) {
      const unit = request.route.params.id;
      deps.discovery().request((request.user ?? LOCAL_USER).name, unit, undefined);
      back(request, unit);
    },
    discoveryDecideForm(request: RequestContext<"discoveryDecideForm">) {
      const { id: unit, address } = request.route.params;
      // The service refuses anything but approve or ignore, with the field named.
      const form = request.form ?? new URLSearchParams();
      const decision = form.get("decision") ?? undefined;
      const discovery = deps.discovery();
      const body =
        decision === "approve" && form.has(CHOSEN_FIELD)
          ? { decision, checks: ticked(discovery, unit, address, form.getAll(CHECK_FIELD)) }
          : { decision };
      discovery.decide((request.user ?? LOCAL_USER).name, unit, address, body);
      back(request, unit);
    },
  };
}

/** The proposed checks of the device whose boxes were ticked, as the API's `checks` takes them. */
function ticked(discovery: Discovery, unit: string, address: string, names: string[]) {
  const device = discovery.view(unit).devices.find((d) => d.address === address);
  if (!device) throw new HttpError(404, `unit ${unit} has no discovered device ${address}`);
  const proposed = device.proposal.checks;
  const unknown = names.find((name) => !proposed.some((check) => check.name === name));
  if (unknown !== undefined) {
    throw new HttpError(
      400,
      `check: "${unknown}" is not a check proposed for ${address}; reload the page and tick among those it lists`,
    );
  }
  if (names.length === 0) {
    throw new HttpError(
      400,
      `check: no check ticked for ${address}; tick those to approve, or ignore the device`,
    );
  }
  return proposed.filter((check) => names.includes(check.name));
}
