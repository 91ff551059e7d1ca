// The login form, and the line at the top of every page saying who is logged in, with its log-out button.
import { CSRF_FIELD } from "../../auth/csrf.js";
import type { User } from "../../auth/roles.js";
import { type Html, html, page } from "./html.js";
import type { Catalogue } from "./i18n/index.js";

export function renderLogin(options: { csrf: string; next: string; problem?: string }): string {
  return page(
    "Đăng nhập / Log in",
    html`<h1>giamsat</h1>
<form method="post" action="/login">
${options.problem ? html`<p role="alert"><strong>${options.problem}</strong></p>` : ""}
<input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
<input type="hidden" name="next" value="${options.next}">
<p><label>Tên đăng nhập / Name<br><input name="name" autocomplete="username" required maxlength="64" autofocus></label></p>
<p><label>Mật khẩu / Password<br><input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label></p>
<p><button type="submit">Đăng nhập / Log in</button></p>
</form>`,
  );
}

/** Who is logged in, and a log-out button (a form: logging out changes state, so it is a POST). */
export function userBar(user: User | undefined, csrf: string, auth: boolean, t: Catalogue): Html {
  if (!auth) return html`<p class="muted">${t.auth.off}</p>`;
  if (!user) return html``;
  return html`<form method="post" action="/logout" class="muted">${user.name} · ${user.role}${
    user.unit ? ` · ${user.unit}` : ""
  } <input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button type="submit">${t.auth.logout}</button></form>`;
}
