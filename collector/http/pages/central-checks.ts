// The unit page's central checks: those of collector.yaml, listed, and those of the web and the API
// in a form (YAML in a textarea) for the unit's own users, operators and admins. Secrets are shown
// as (hidden), and a check saved with (hidden) keeps its stored value (api/central-checks.ts).
import { stringify } from "yaml";
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { CentralChecksView } from "../api/central-checks.js";
import { type Html, html } from "./html.js";
import { type Chrome, link } from "./layout.js";

export interface CentralChecksForm {
  csrf: string;
  view: CentralChecksView;
}

export function centralChecksSection(chrome: Chrome, unit: string, form: CentralChecksForm): Html {
  const { t } = chrome.f;
  const fromConfig = form.view.checks.filter((c) => c.source === "config").map((c) => c.check);
  const fromApi = form.view.checks.filter((c) => c.source === "api").map((c) => c.check);
  const listed = fromConfig.length
    ? html`<p>${t.central.fromConfig}</p><pre id="central-config-checks">${stringify(fromConfig)}</pre>`
    : "";
  return html`<h2 id="central-checks">${t.central.heading}</h2>
<p class="small muted">${t.central.intro}</p>
${listed}
<form method="post" action="${link(chrome, `/units/${unit}/central-checks`)}" class="noprint">
<input type="hidden" name="${CSRF_FIELD}" value="${form.csrf}">
<textarea name="checks" rows="10" cols="100">${fromApi.length ? stringify(fromApi) : ""}</textarea>
<p><button type="submit">${t.central.save}</button></p>
</form>`;
}
