// GET/POST /login and POST /logout: sessions for people, failed logins slowed down per address.
import type { Logger } from "../../shared/log.js";
import { addCookie } from "../auth/guard.js";
import { type AddressLimiter, addressKey } from "../auth/rate-limit.js";
import { SESSION_COOKIE, type SessionStore, setCookie } from "../auth/sessions.js";
import { MAX_PASSWORD, type UserStore } from "../auth/users.js";
import type { Html } from "./pages/html.js";
import { chromeOf } from "./pages/layout.js";
import { type LoginForm, renderLogin } from "./pages/login.js";
import type { RequestContext } from "./request.js";
import { redirect, sendHtml } from "./respond.js";

export interface LoginDeps {
  users: UserStore;
  sessions: SessionStore;
  /** Failed logins per remote address. */
  limiter: AddressLimiter;
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

export function loginHandlers(deps: LoginDeps) {
  const { users, sessions, limiter, log } = deps;
  const page = (ctx: RequestContext, form: LoginForm) =>
    renderLogin(chromeOf(ctx.url, deps.header(ctx)), form);
  return {
    loginPage(ctx: RequestContext<"loginPage">): void {
      sendHtml(ctx.response, 200, page(ctx, { csrf: ctx.csrf(), next: safeNext(ctx.query.next) }));
    },

    async login(ctx: RequestContext<"login">): Promise<void> {
      const remote = ctx.request.socket.remoteAddress;
      const key = addressKey(remote);
      const name = ctx.form?.get("name") ?? "";
      const password = ctx.form?.get("password") ?? "";
      const next = safeNext(ctx.form?.get("next"));
      const wait = limiter.retryAfterMs(key, Date.now());
      if (wait > 0) {
        if (limiter.shouldReport(key, Date.now())) {
          log.warn({ remote, reason: "too many failed logins" }, "login refused for a while");
        }
        const seconds = Math.ceil(wait / 1000);
        sendHtml(
          ctx.response,
          429,
          page(ctx, { csrf: ctx.csrf(), next, problem: (t) => t.auth.throttled(seconds) }),
          { "Retry-After": String(seconds) },
        );
        return;
      }
      const user =
        name.length <= 64 && password.length <= MAX_PASSWORD
          ? await users.verify(name, password)
          : undefined;
      if (!user) {
        limiter.fail(key, Date.now());
        // The name helps find a forgotten account or a guessing attack; the password is never logged.
        log.warn(
          { remote, user: name.slice(0, 64), reason: "wrong name or password" },
          "login failed",
        );
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
