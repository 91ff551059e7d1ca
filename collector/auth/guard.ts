// The access check in front of every route: finds the session and its user, enforces what the
// route table says the route takes (login, role, unit scope), and CSRF on every POST.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../../shared/errors.js";
import { CSRF_COOKIE, checkCsrf, newCsrfToken } from "./csrf.js";
import { readForm, readJson } from "./form.js";
import { type Action, can, LOCAL_USER, type User } from "./roles.js";
import {
  cookieName,
  readCookies,
  SESSION_COOKIE,
  type Session,
  type SessionStore,
  setCookie,
} from "./sessions.js";

export interface GuardOptions {
  sessions: SessionStore;
  /** false: `web.auth: false`, everyone is LOCAL_USER (allowed on loopback only). */
  auth: boolean;
  /** Served over HTTPS: cookies are Secure and __Host- prefixed. */
  secure: boolean;
}

/** What a route takes, from the route table. */
export interface AccessRule {
  method: "GET" | "POST" | "PUT";
  access: "public" | "user" | Action;
  /** The unit the request is about (a path parameter), when the route names one. */
  unit: string | undefined;
  /**
   * A JSON POST. Public (a program's): its body is left to the handler, without a CSRF check.
   * Behind a login (the JSON API): read here, its CSRF token in the X-CSRF-Token header.
   */
  json?: true;
}

/** Who is asking, and what a route's handler may do for them. */
export interface Access {
  /** Who is asking; undefined only on public routes while nobody is logged in. */
  user: User | undefined;
  session: Session | undefined;
  /** The session cookie as the browser sent it (for logout). */
  sessionCookie: string | undefined;
  /** The body of a POST, already checked for its CSRF token. */
  form: URLSearchParams | undefined;
  /** The body of a JSON API POST, already checked for its CSRF token. */
  json: unknown;
  /** The CSRF token this page's forms must carry (csrf.ts, CSRF_FIELD). */
  csrf(): string;
}

const COOKIE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class Guard {
  constructor(private readonly options: GuardOptions) {}

  get secure(): boolean {
    return this.options.secure;
  }

  /** Throws HttpError: 303/401 not logged in, 403 not allowed or a bad CSRF token. */
  async check(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    rule: AccessRule,
  ): Promise<Access> {
    const { auth, secure, sessions } = this.options;
    const cookies = readCookies(request);
    const sessionCookie = cookies.get(cookieName(SESSION_COOKIE, secure));
    const session = auth ? sessions.resolve(sessionCookie, Date.now()) : undefined;
    const user = auth ? session?.user : LOCAL_USER;
    const { access, unit } = rule;
    if (access !== "public") {
      if (!user) throw notLoggedIn(url);
      if (access !== "user" && !can(user, access, unit)) {
        throw new HttpError(
          403,
          `${user.name} (${user.role}${user.unit ? ` of ${user.unit}` : ""}) may not ${access}${unit ? ` unit ${unit}` : " here"}`,
        );
      }
    }

    // Logged-in pages tie the token to the session; the login form (and web.auth: false) to a
    // cookie of its own, as there is no session yet.
    const fromCookie = cookies.get(cookieName(CSRF_COOKIE, secure));
    let token: string | undefined =
      access !== "public" && session
        ? session.csrf
        : fromCookie && COOKIE_TOKEN.test(fromCookie)
          ? fromCookie
          : undefined;
    let form: URLSearchParams | undefined;
    let json: unknown;
    if (rule.method !== "GET" && rule.json && access !== "public") {
      // A POST that only names what it acts on (ending a window) may come without a body.
      const empty =
        request.headers["content-type"] === undefined &&
        Number(request.headers["content-length"] ?? 0) === 0;
      json = empty ? undefined : await readJson(request);
      checkCsrf(request, undefined, token);
    } else if (rule.method === "POST" && !(rule.json && access === "public")) {
      form = await readForm(request);
      checkCsrf(request, form, token);
    }
    return {
      user,
      session,
      sessionCookie,
      form,
      json,
      csrf: () => {
        if (token === undefined) {
          token = newCsrfToken();
          addCookie(response, setCookie(CSRF_COOKIE, token, { secure, sameSite: "Strict" }));
        }
        return token;
      },
    };
  }
}

/** Pages send people to the login form and back; the API answers 401 in JSON. */
function notLoggedIn(url: URL): HttpError {
  if (url.pathname.startsWith("/api/")) return new HttpError(401, "log in first");
  const next = url.pathname + url.search;
  return new HttpError(303, "log in first", {
    headers: { Location: `/login?next=${encodeURIComponent(next)}` },
  });
}

/** Adds a Set-Cookie header without replacing those already set. */
export function addCookie(response: ServerResponse, cookie: string): void {
  const existing = response.getHeader("Set-Cookie");
  const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
  response.setHeader("Set-Cookie", [...list, cookie]);
}
