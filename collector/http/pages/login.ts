// The login form, in the frame every page has and in the reader's language (the language switch
// at the top gives the other); and the bar at the top of every page: the site's navigation and who
// is logged in, in words, with the log-out button.
import { CSRF_FIELD } from "../../auth/csrf.js";
import { can, type User } from "../../auth/roles.js";
import { Html, html } from "./html.js";
import type { Catalogue, Lang } from "./i18n/index.js";
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
  const problem = form.problem
    ? html`<p role="alert" class="problem"><strong>${form.problem(t)}</strong></p>`
    : "";
  const action = lang === "en" ? "/login?lang=en" : "/login";
  const body = html`<h1>${t.auth.login}</h1>
<form method="post" action="${action}" class="login">
${problem}
<input type="hidden" name="${CSRF_FIELD}" value="${form.csrf}">
<input type="hidden" name="next" value="${form.next}">
<p><label>${t.auth.name}<br>${NAME_INPUT}</label></p>
<p><label>${t.auth.password}<br>${PASSWORD_INPUT}</label></p>
<p><button type="submit">${t.auth.login}</button></p>
</form>`;
  return layout(chrome, t.auth.login, body);
}

/** A user's role in words; a unit's leader is said as such. */
export function roleName(t: Catalogue, user: User): string {
  if (user.role === "unit" && user.leader) return t.roles.leader;
  return t.roles[user.role];
}

/**
 * Who the fleet page is for: those who look after agents (operators, admins) and a unit's own
 * users, who see their unit's agents there. The city's readers may open it but are not led to it:
 * their pages are the status and the reports.
 */
function seesFleet(user: User): boolean {
  return user.role !== "city" && can(user, "read");
}

/** The site's navigation for this user, and who is logged in with a log-out button (a POST). */
export function userBar(
  user: User | undefined,
  csrf: string,
  auth: boolean,
  t: Catalogue,
  lang: Lang,
  options: { logout?: boolean } = {},
): Html {
  const en = lang === "en" ? "?lang=en" : "";
  const fleet = user ? seesFleet(user) : !auth;
  const nav =
    user || !auth
      ? html`<nav aria-label="${t.nav.label}"><a href="/${en}">${t.nav.overview}</a> <a href="/reports${en}">${t.nav.cityReport}</a>${fleet ? html` <a href="/fleet${en}">${t.nav.fleet}</a>` : ""}${user && can(user, "audit") ? html` <a href="/audit${en}">${t.nav.audit}</a>` : ""}</nav>`
      : "";
  if (!auth) return html`${nav}<p class="muted small">${t.auth.off}</p>`;
  if (!user) return html`${nav}`;
  const who = html`${user.name} · ${roleName(t, user)}${user.unit ? ` · ${user.unit}` : ""}`;
  if (options.logout === false) return html`${nav}<span class="muted">${who}</span>`;
  const token = html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;
  const button = html`<button type="submit">${t.auth.logout}</button>`;
  return html`${nav}<form method="post" action="/logout" class="muted">${who} ${token}${button}</form>`;
}
