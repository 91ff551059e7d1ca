// Inspection sign-off on the unit page: every record signed, with who signed with which account and
// when, and, for the unit's leader only, the form that signs a period that is over: what signing
// means, the period, the day of the inspection, findings and actions, and a confirmation. Records
// are never edited: a correction is a new record.
import type { Period } from "../../../shared/api-query.js";
import { parsePeriod } from "../../../shared/api-query.js";
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { Signoff, SignoffProblem } from "../../inspection/signoffs.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";
import { type Chrome, link } from "./layout.js";

/** "2026-12-02" as the reader writes a date. */
export function day(f: Formatter, text: string): string {
  return f.date(Date.parse(`${text}T12:00:00+07:00`));
}

/** The period of a record in words; a period written in an older form as it is. */
export function periodWords(f: Formatter, id: string): string {
  const period = parsePeriod(id);
  return period ? f.period(period) : id;
}

/** Who signed: the leader's name and title, and the account. */
export function signer(s: Signoff): string {
  return `${s.inspector}${s.inspectorTitle ? `, ${s.inspectorTitle}` : ""}`;
}

export function signoffHistory(chrome: Chrome, signoffs: readonly Signoff[]): Html {
  const { f } = chrome;
  const { signoff } = f.t;
  if (signoffs.length === 0) return html`<p class="muted" id="no-signoff">${signoff.none}</p>`;
  const head = thead([
    th(signoff.period),
    th(signoff.date),
    th(signoff.signedBy),
    th(signoff.recordedAt),
    th(signoff.findings),
    th(signoff.actions),
  ]);
  const rows = signoffs.map((s) => {
    const cells = [
      td(periodWords(f, s.period), signoff.period),
      td(day(f, s.date), signoff.date),
      td(html`${signer(s)} <span class="muted">(${s.recordedBy})</span>`, signoff.signedBy),
      td(f.dateTime(s.recordedAt), signoff.recordedAt),
      td(s.findings, signoff.findings),
      td(s.actions, signoff.actions),
    ];
    return html`<tr data-signoff="${s.id}">${cells}</tr>`;
  });
  return html`<table id="signoffs" class="stack"><caption>${signoff.history}</caption>${head}<tbody>${rows}</tbody></table>`;
}

export interface SignoffFormState {
  csrf: string;
  unitName: string;
  /** Periods that may be signed, newest first; the first is chosen unless `values` says. */
  periods: readonly Period[];
  /** Today in Vietnam, YYYY-MM-DD: the latest date of inspection. */
  today: string;
  /** What was sent, when the form comes back with problems. */
  values?: Record<string, string>;
  problems?: readonly SignoffProblem[];
}

export function signoffForm(chrome: Chrome, unit: string, state: SignoffFormState): Html {
  const { f } = chrome;
  const { t } = f;
  const values = state.values ?? {};
  const chosen = values.period ?? state.periods[0]?.id;
  const options = state.periods.map(
    (p) =>
      html`<option value="${p.id}"${p.id === chosen ? html` selected` : ""}>${f.period(p)}</option>`,
  );
  const problems = state.problems?.length
    ? html`<div class="problem" role="alert"><strong>${t.signoff.fix}</strong><ul>${state.problems.map((p) => html`<li>${t.signoff.problems[p]}</li>`)}</ul></div>`
    : "";
  return html`<form method="post" action="${link(chrome, `/units/${unit}/signoff`)}" id="signoff-form">
<fieldset><legend>${t.signoff.heading}</legend>
${problems}
<p class="statement">${t.signoff.statement(state.unitName)}</p>
<input type="hidden" name="${CSRF_FIELD}" value="${state.csrf}">
<label>${t.signoff.period}<select name="period" required>${options}</select></label>
<label>${t.signoff.date}<input type="date" name="date" required max="${state.today}" value="${values.date ?? state.today}"></label>
<label>${t.signoff.findings}<textarea name="findings" rows="4" required maxlength="4000">${values.findings ?? ""}</textarea></label>
<label>${t.signoff.actions}<textarea name="actions" rows="3" maxlength="4000">${values.actions ?? ""}</textarea></label>
<label class="check"><input type="checkbox" name="confirm" value="yes" required> <span>${t.signoff.confirm}</span></label>
<button type="submit">${t.signoff.submit}</button>
</fieldset>
</form>`;
}
