// Inspection sign-off on the unit page: the history of what the leader recorded for a period, and
// the form that records a new one. Records are never edited: a correction is a new record.
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { Signoff } from "../../inspection/signoffs.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, link } from "./layout.js";

export function signoffHistory(chrome: Chrome, signoffs: readonly Signoff[]): Html {
  const { f } = chrome;
  const { signoff } = f.t;
  if (signoffs.length === 0) return html`<p class="muted" id="no-signoff">${signoff.none}</p>`;
  const head = thead([
    th(signoff.date),
    th(signoff.name),
    th(signoff.findings),
    th(signoff.actions),
    th(signoff.recorded),
  ]);
  const rows = signoffs.map((s) => {
    const recorded = html`<td class="muted">${f.dateTime(s.recordedAt)} ${signoff.by} ${s.recordedBy}</td>`;
    const cells = [td(s.date), td(s.inspector), td(s.findings), td(s.actions), recorded];
    return html`<tr data-signoff="${s.id}">${cells}</tr>`;
  });
  return html`<table id="signoffs">${head}<tbody>${rows}</tbody></table>`;
}

export function signoffForm(chrome: Chrome, unit: string, period: string, csrf: string): Html {
  const { t } = chrome.f;
  return html`<form method="post" action="${link(chrome, `/units/${unit}/signoff`)}" class="noprint" id="signoff-form">
<fieldset><legend>${t.signoff.heading} ${period}</legend>
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<input type="hidden" name="period" value="${period}">
<label>${t.signoff.name}<input type="text" name="inspector" required maxlength="200"></label>
<label>${t.signoff.date}<input type="date" name="date" required></label>
<label>${t.signoff.findings}<textarea name="findings" rows="3" required maxlength="4000"></textarea></label>
<label>${t.signoff.actions}<textarea name="actions" rows="3" maxlength="4000"></textarea></label>
<button type="submit">${t.signoff.submit}</button>
</fieldset>
</form>`;
}
