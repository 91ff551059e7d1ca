// Device cookies: a browser that logged in to an account gets a cookie that lets it skip the delay
// the account's wrong passwords put on everyone else (login-throttle.ts), so someone guessing the
// account cannot lock its user out (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies).
// The cookie is signed with the account's password hash: nothing is stored, and a new password
// voids the cookies issued before it.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/database.js";

export const DEVICE_COOKIE = "giamsat_device";
/** How long a browser stays known without logging in again. */
export const DEVICE_TTL_MS = 90 * 86_400_000;

const TOKEN = /^(\d{1,15})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/;

function sign(passwordHash: string, userId: number, issuedAt: number): string {
  return createHmac("sha256", passwordHash)
    .update(`giamsat device ${userId} ${issuedAt}`)
    .digest("base64url");
}

export class DeviceCookies {
  readonly #byName;
  readonly #byId;

  constructor(db: Db) {
    this.#byName = db.prepare("SELECT id, password FROM users WHERE name = ?");
    this.#byId = db.prepare("SELECT password FROM users WHERE id = ?");
  }

  /** The cookie value for a browser user `userId` just logged in with. */
  issue(userId: number, now: number): string | undefined {
    const row = this.#byId.get(userId) as { password: string } | undefined;
    if (!row) return undefined;
    return `${userId}.${now.toString(36)}.${sign(row.password, userId, now)}`;
  }

  /** True when `value` was issued to a browser of account `name`, lately and for its password. */
  knows(name: string, value: string | undefined, now: number): boolean {
    const match = value === undefined ? null : TOKEN.exec(value);
    if (!match) return false;
    const row = this.#byName.get(name) as { id: number; password: string } | undefined;
    const issuedAt = Number.parseInt(match[2] as string, 36);
    if (!row || row.id !== Number(match[1]) || now - issuedAt > DEVICE_TTL_MS) return false;
    const expected = Buffer.from(sign(row.password, row.id, issuedAt));
    return timingSafeEqual(expected, Buffer.from(match[3] as string));
  }
}
