// The login form, and the line at the top of every page saying who is logged in, with its log-out
// button. Before logging in nobody has chosen a language: the form says each thing in both, the
// page's language first, each from its own catalogue.
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { User } from "../../auth/roles.js";
import { Html, html } from "./html.js";
import { type Catalogue, LANGUAGES } from "./i18n/index.js";
import { type Chrome, layout } from "./layout.js";

export interface LoginForm {
  csrf: string;
  /** Where to go once logged in. */
  next: string;
  /** What went wrong with the last try, said from a catalogue. */
  problem?: (t: Catalogue) => string;
}

const NAME_INPUT = new Html(
  '<input name="name" autocomplete="username" required maxlength="64" autofocus>',
);
const PASSWORD_INPUT = new Html(
  '<input name="password" type="password" autocomplete="current-password" ' +
    'required maxlength="1024">',
);

export function renderLogin(chrome: Chrome, form: LoginForm): string {
  const { t, lang } = chrome.f;
  const other = LANGUAGES[lang === "vi" ? "en" : "vi"];
  const both = (say: (t: Catalogue) => string, between = " / ") =>
    `${say(t)}${between}${say(other)}`;
  const problem = form.problem
    ? html`<p role="alert"><strong>${both(form.problem, " ")}</strong></p>`
    : "";
  const body = html`<h1>giamsat</h1>
<form method="post" action="/login">
${problem}
<input type="hidden" name="${CSRF_FIELD}" value="${form.csrf}">
<input type="hidden" name="next" value="${form.next}">
<p><label>${both((t) => t.auth.name)}<br>${NAME_INPUT}</label></p>
<p><label>${both((t) => t.auth.password)}<br>${PASSWORD_INPUT}</label></p>
<p><button type="submit">${both((t) => t.auth.login)}</button></p>
</form>`;
  return layout(
    chrome,
    both((t) => t.auth.login),
    body,
  );
}

/** Who is logged in, and a log-out button (a form: logging out changes state, so it is a POST). */
export function userBar(user: User | undefined, csrf: string, auth: boolean, t: Catalogue): Html {
  if (!auth) return html`<p class="muted">${t.auth.off}</p>`;
  if (!user) return html``;
  const who = html`${user.name} · ${user.role}${user.unit ? ` · ${user.unit}` : ""}`;
  const token = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
  const button = html`<button type="submit">${t.auth.logout}</button>`;
  return html`<form method="post" action="/logout" class="muted">${who} ${token}${button}</form>`;
}
