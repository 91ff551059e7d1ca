// Logins: a random cookie per session, only its hash stored, with its user and expiry. The session's
// CSRF token is derived from the cookie, so the database holds nothing a form would take.
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Db } from "../db/database.js";
import type { Role, User } from "./roles.js";

export interface Session {
  user: User;
  /** The token every form of this session must carry back (see csrf.ts). */
  csrf: string;
  expiresAt: number;
}

function hash(cookie: string): Buffer {
  return createHash("sha256").update(cookie).digest();
}

function random(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The session's CSRF token: an HMAC keyed with the session's cookie (OWASP's "signed double-submit"
 * idea, https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html).
 * Only the cookie's holder can compute it, and the page showing it does not tell the cookie.
 */
function csrfOf(cookie: string): string {
  return createHmac("sha256", cookie).update("giamsat csrf token v1").digest("base64url");
}

export class SessionStore {
  readonly #resolve;

  constructor(private readonly db: Db) {
    this.#resolve = db.prepare(`
      SELECT s.expires_at AS expiresAt, u.id, u.name, u.role, u.unit_id AS unit, u.leader
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.hash = ? AND s.expires_at > ?`);
  }

  /** Starts a session; the returned cookie value is given to the browser and not kept. */
  create(user: User, now: number, ttlMs: number): { cookie: string; session: Session } {
    const cookie = random();
    const session = { user, csrf: csrfOf(cookie), expiresAt: now + ttlMs };
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now);
      this.db
        .prepare("INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .run(hash(cookie), user.id, now, session.expiresAt);
    })();
    return { cookie, session };
  }

  resolve(cookie: string | undefined, now: number): Session | undefined {
    // A session cookie is 43 base64url characters; anything else is not looked up.
    if (cookie === undefined || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const row = this.#resolve.get(hash(cookie), now) as
      | {
          expiresAt: number;
          id: number;
          name: string;
          role: Role;
          unit: string;
          leader: number;
        }
      | undefined;
    if (!row) return undefined;
    return {
      user: {
        id: row.id,
        name: row.name,
        role: row.role,
        unit: row.unit,
        leader: row.leader === 1,
      },
      csrf: csrfOf(cookie),
      expiresAt: row.expiresAt,
    };
  }

  end(cookie: string | undefined): void {
    if (cookie !== undefined)
      this.db.prepare("DELETE FROM sessions WHERE hash = ?").run(hash(cookie));
  }
}

/** The cookies of a request; at most 50 are read, and a malformed pair is skipped. */
export function readCookies(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  const header = request.headers.cookie ?? "";
  for (const pair of header.split(";").slice(0, 50)) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(at + 1).trim());
  }
  return cookies;
}

export interface CookieOptions {
  secure: boolean;
  sameSite: "Strict" | "Lax";
  /** Seconds; 0 deletes the cookie; undefined lasts until the browser closes. */
  maxAge?: number;
}

/**
 * A Set-Cookie value: HttpOnly always, Secure over HTTPS. Over HTTPS the name gets the
 * `__Host-` prefix, which browsers accept only from a secure origin, for path /, without a
 * domain (https://www.rfc-editor.org/rfc/rfc6265bis, "Cookie Name Prefixes").
 */
export function setCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${cookieName(name, options.secure)}=${value}`,
    "Path=/",
    "HttpOnly",
    `SameSite=${options.sameSite}`,
    ...(options.secure ? ["Secure"] : []),
    ...(options.maxAge === undefined ? [] : [`Max-Age=${options.maxAge}`]),
  ].join("; ");
}

export function cookieName(name: string, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

export const SESSION_COOKIE = "giamsat_session";
