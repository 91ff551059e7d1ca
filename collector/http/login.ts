// GET/POST /login and POST /logout: sessions for people; password guessing slowed down per address
// and per account (auth/login-throttle.ts), the account's own browsers let through (auth/devices.ts).
import type { Logger } from "../../shared/log.js";
import { DEVICE_COOKIE, DEVICE_TTL_MS, type DeviceCookies } from "../auth/devices.js";
import { addCookie } from "../auth/guard.js";
import type { LoginThrottle, Refusal } from "../auth/login-throttle.js";
import { addressKey } from "../auth/rate-limit.js";
import {
  cookieName,
  readCookies,
  SESSION_COOKIE,
  type SessionStore,
  setCookie,
} from "../auth/sessions.js";
import { MAX_PASSWORD, type UserStore } from "../auth/users.js";
import type { Html } from "./pages/html.js";
import { chromeOf } from "./pages/layout.js";
import { type LoginForm, renderLogin } from "./pages/login.js";
import type { RequestContext } from "./request.js";
import { redirect, sendHtml } from "./respond.js";

export interface LoginDeps {
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  devices: DeviceCookies;
  sessionTtlMs: number;
  secure: boolean;
  log: Logger;
  /** Who is logged in, with the log-out form. */
  header(ctx: RequestContext): Html;
}

/** Only a path on this site: "//evil.example" or "https://..." would send people elsewhere. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

/** Why a login is refused for a while, for the log. */
const REFUSED_BECAUSE: Record<Exclude<Refusal, "busy">, string> = {
  address: "too many failed logins from this address",
  account: "too many failed logins for this account",
};

export function loginHandlers(deps: LoginDeps) {
  const { users, sessions, throttle, devices, log } = deps;
  const page = (ctx: RequestContext, form: LoginForm) =>
    renderLogin(chromeOf(ctx.url, deps.header(ctx)), form);
  return {
    loginPage(ctx: RequestContext<"loginPage">): void {
      sendHtml(ctx.response, 200, page(ctx, { csrf: ctx.csrf(), next: safeNext(ctx.query.next) }));
    },

    async login(ctx: RequestContext<"login">): Promise<void> {
      const remote = ctx.request.socket.remoteAddress;
      const name = ctx.form?.get("name") ?? "";
      const password = ctx.form?.get("password") ?? "";
      const next = safeNext(ctx.form?.get("next"));
      const account = name.slice(0, 64);
      const device = readCookies(ctx.request).get(cookieName(DEVICE_COOKIE, deps.secure));
      const knownDevice = devices.knows(account, device, Date.now());
      const admission = throttle.begin(remote, account, knownDevice, Date.now());
      if (!admission.admitted) {
        const { refusal } = admission;
        if (refusal !== "busy" && throttle.shouldReport(refusal, addressKey(remote), account)) {
          log.warn(
            { remote, user: account, reason: REFUSED_BECAUSE[refusal] },
            "login refused for a while",
          );
        }
        const seconds = Math.ceil(admission.retryAfterMs / 1000);
        sendHtml(
          ctx.response,
          429,
          page(ctx, { csrf: ctx.csrf(), next, problem: (t) => t.auth.throttled(seconds) }),
          { "Retry-After": String(seconds) },
        );
        return;
      }
      let outcome: "success" | "failure" | "not_checked" = "not_checked";
      let user: Awaited<ReturnType<UserStore["verify"]>>;
      try {
        user =
          name.length <= 64 && password.length <= MAX_PASSWORD
            ? await users.verify(name, password)
            : undefined;
        outcome = user ? "success" : "failure";
      } finally {
        throttle.end(admission, account, { outcome, knownDevice }, Date.now());
      }
      if (!user) {
        // The name helps find a forgotten account or a guessing attack; the password is never logged.
        log.warn({ remote, user: account, reason: "wrong name or password" }, "login failed");
        sendHtml(
          ctx.response,
          401,
          page(ctx, { csrf: ctx.csrf(), next, problem: (t) => t.auth.failed }),
        );
        return;
      }
      // A fresh session id at every login, so a cookie planted before the login is worth nothing.
      sessions.end(ctx.sessionCookie);
      const { cookie } = sessions.create(user, Date.now(), deps.sessionTtlMs);
      addCookie(
        ctx.response,
        setCookie(SESSION_COOKIE, cookie, {
          secure: deps.secure,
          sameSite: "Lax",
          maxAge: Math.floor(deps.sessionTtlMs / 1000),
        }),
      );
      const known = devices.issue(user.id, Date.now());
      if (known) {
        addCookie(
          ctx.response,
          setCookie(DEVICE_COOKIE, known, {
            secure: deps.secure,
            sameSite: "Strict",
            maxAge: Math.floor(DEVICE_TTL_MS / 1000),
          }),
        );
      }
      log.info({ remote, user: user.name, role: user.role }, "logged in");
      redirect(ctx.response, next);
    },

    logout(ctx: RequestContext<"logout">): void {
      sessions.end(ctx.sessionCookie);
      addCookie(
        ctx.response,
        setCookie(SESSION_COOKIE, "", { secure: deps.secure, sameSite: "Lax", maxAge: 0 }),
      );
      if (ctx.user && ctx.session) log.info({ user: ctx.user.name }, "logged out");
      redirect(ctx.response, ctx.session ? "/login" : "/");
    },
  };
}
