// The access check in front of every route: finds the route, the session and its user, enforces the
// route table (login, role, unit scope), strict query parameters and CSRF on every POST.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../../shared/errors.js";
import { type MatchedRoute, matchRoute, parseQuery } from "../http/routes.js";
import { CSRF_COOKIE, checkCsrf, newCsrfToken } from "./csrf.js";
import { readForm } from "./form.js";
import { can, LOCAL_USER, type User } from "./roles.js";
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

export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  route: MatchedRoute;
  /** The query parameters, as the route's schema gave them. */
  query: Record<string, unknown>;
  /** Who is asking; undefined only on public routes while nobody is logged in. */
  user: User | undefined;
  session: Session | undefined;
  /** The session cookie as the browser sent it (for logout). */
  sessionCookie: string | undefined;
  /** The body of a POST, already checked for its CSRF token. */
  form: URLSearchParams | undefined;
  /** The CSRF token this page's forms must carry (csrf.ts, CSRF_FIELD). */
  csrf(): string;
}

const COOKIE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class Guard {
  constructor(private readonly options: GuardOptions) {}

  get secure(): boolean {
    return this.options.secure;
  }

  /** Throws HttpError: 404/405 no route, 400 bad query, 303/401 not logged in, 403 not allowed. */
  async check(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<RequestContext> {
    const { auth, secure, sessions } = this.options;
    const route = matchRoute(request.method ?? "GET", url.pathname);
    const query = parseQuery(route.spec, url.searchParams);
    const cookies = readCookies(request);
    const sessionCookie = cookies.get(cookieName(SESSION_COOKIE, secure));
    const session = auth ? sessions.resolve(sessionCookie, Date.now()) : undefined;
    const user = auth ? session?.user : LOCAL_USER;
    const access = route.spec.access;
    if (access !== "public") {
      if (!user) throw notLoggedIn(url);
      const unit = route.spec.unit === undefined ? undefined : route.params[route.spec.unit];
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
    if (route.spec.method === "POST") {
      form = await readForm(request);
      checkCsrf(request, form, token);
    }
    return {
      request,
      response,
      url,
      route,
      query,
      user,
      session,
      sessionCookie,
      form,
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
