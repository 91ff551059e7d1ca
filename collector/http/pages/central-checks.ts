// The unit page's central checks: those of collector.yaml, listed, and those of the web and the API
// in a form (YAML in a textarea) for the unit's own users, operators and admins; then the same for
// each enrolled agent's own checks. Secrets are shown as (hidden), and a check saved with (hidden)
// keeps its stored value (api/central-checks.ts, api/agent-central-checks.ts). A check stored
// before the rules that now refuse it is shown with its problems, to be fixed in the form.
import { stringify } from "yaml";
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { Db } from "../../db/database.js";
import type { AgentInfo } from "../../inspection/unit-status.js";
import {
  AgentCentralCheckActions,
  type AgentCentralChecksView,
} from "../api/agent-central-checks.js";
import { CentralCheckActions, type CentralChecksView } from "../api/central-checks.js";
import { type Html, html } from "./html.js";
import { type Chrome, link } from "./layout.js";

export interface CentralChecksForm {
  csrf: string;
  view: CentralChecksView;
  /** One a not revoked agent of the unit, by name. */
  agents: AgentCentralChecksView[];
}

/** What the forms show: read with the API's own views, so a secret never reaches the page. */
export function centralChecksForm(
  db: Db,
  unit: string,
  agents: readonly AgentInfo[],
  csrf: string,
): CentralChecksForm {
  const ofAgent = new AgentCentralCheckActions(db, () => undefined);
  return {
    csrf,
    view: new CentralCheckActions(db, () => undefined).view(unit),
    agents: agents.filter((a) => !a.revoked).map((a) => ofAgent.view(unit, a.name)),
  };
}

/** The checks collector.yaml gives, listed, and the text of those of the web and the API. */
function split(view: CentralChecksView): { config: Html | string; api: string } {
  const fromConfig = view.checks.filter((c) => c.source === "config").map((c) => c.check);
  const fromApi = view.checks.filter((c) => c.source === "api").map((c) => c.check);
  return {
    config: fromConfig.length ? html`<pre>${stringify(fromConfig)}</pre>` : "",
    api: fromApi.length ? stringify(fromApi) : "",
  };
}

/** The stored checks the rules refuse (stored before them), each problem on a line: fix or remove. */
function problems(chrome: Chrome, view: CentralChecksView): Html | string {
  const refused = view.checks.flatMap((c) =>
    (c.problems ?? []).map((problem) => `${String(c.check.name)}: ${problem}`),
  );
  if (refused.length === 0) return "";
  return html`<div class="problem" role="alert"><strong>${chrome.f.t.central.refused}</strong>
<ul>${refused.map((line) => html`<li>${line}</li>`)}</ul></div>`;
}

function checksForm(chrome: Chrome, action: string, csrf: string, text: string): Html {
  return html`<form method="post" action="${link(chrome, action)}" class="noprint">
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<textarea name="checks" rows="10" cols="100">${text}</textarea>
<p><button type="submit">${chrome.f.t.central.save}</button></p>
</form>`;
}

function agentSection(chrome: Chrome, unit: string, csrf: string, view: AgentCentralChecksView) {
  const { t } = chrome.f;
  const { config, api } = split(view);
  const action = `/units/${unit}/agents/${view.agent}/central-checks`;
  return html`<h3 id="central-checks-${view.agent}">${t.central.agentHeading(view.agent)}</h3>
${config ? html`<p>${t.central.fromConfig}</p>${config}` : ""}
${problems(chrome, view)}
${checksForm(chrome, action, csrf, api)}`;
}

export function centralChecksSection(chrome: Chrome, unit: string, form: CentralChecksForm): Html {
  const { t } = chrome.f;
  const { config, api } = split(form.view);
  const listed = config
    ? html`<p>${t.central.fromConfig}</p><div id="central-config-checks">${config}</div>`
    : "";
  const agents = form.agents.length
    ? html`<p class="small muted">${t.central.agentsIntro}</p>
${form.agents.map((view) => agentSection(chrome, unit, form.csrf, view))}`
    : "";
  return html`<h2 id="central-checks">${t.central.heading}</h2>
<p class="small muted">${t.central.intro}</p>
${listed}
${problems(chrome, form.view)}
${checksForm(chrome, `/units/${unit}/central-checks`, form.csrf, api)}
${agents}`;
}
