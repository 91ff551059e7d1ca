// Inspection sign-off on the unit page: the history of what the leader recorded for a period, and
// the form that records a new one. Records are never edited: a correction is a new record.
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { Signoff } from "../../inspection/signoffs.js";
import { type Html, html } from "./html.js";
import { type Chrome, link } from "./layout.js";

export function signoffHistory(chrome: Chrome, signoffs: readonly Signoff[]): Html {
  const { f } = chrome;
  if (signoffs.length === 0) return html`<p class="muted" id="no-signoff">${f.t.signoff.none}</p>`;
  return html`<table id="signoffs"><thead><tr><th>${f.t.signoff.date}</th><th>${f.t.signoff.name}</th><th>${f.t.signoff.findings}</th><th>${f.t.signoff.actions}</th><th>${f.t.signoff.recorded}</th></tr></thead><tbody>${signoffs.map(
    (s) =>
      html`<tr data-signoff="${s.id}"><td>${s.date}</td><td>${s.inspector}</td><td>${s.findings}</td><td>${s.actions}</td><td class="muted">${f.dateTime(s.recordedAt)} ${f.t.signoff.by} ${s.recordedBy}</td></tr>`,
  )}</tbody></table>`;
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
