// Cross-site request forgery: every POST carries a token the page got from us, and comes from our origin.
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "../../shared/errors.js";

/** The form field (and, for scripts, the header) that carries the token. */
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";
/**
 * Before a login (the login form itself) and with `web.auth: false` there is no session to tie
 * the token to: it is then a random value also kept in this cookie (the "double submit" pattern).
 */
export const CSRF_COOKIE = "giamsat_csrf";

export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Throws 403 unless the request comes from our own pages and carries `expected`. */
export function checkCsrf(
  request: IncomingMessage,
  form: URLSearchParams | undefined,
  expected: string | undefined,
): void {
  // Browsers say where a request comes from; a different site is refused whatever it sends.
  if (request.headers["sec-fetch-site"] === "cross-site") refuse("comes from another site");
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host === undefined || host !== request.headers.host) refuse("comes from another origin");
  }
  const given = form?.get(CSRF_FIELD) ?? headerValue(request.headers[CSRF_HEADER]);
  if (!given || !expected) refuse("has no CSRF token");
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) refuse("has a wrong CSRF token");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

function refuse(why: string): never {
  throw new HttpError(403, `refused: the form ${why}; reload the page and try again`);
}
