// Enrollment codes: made by an operator or a unit's own user for that unit, limited in uses and
// lifetime, revocable, and redeemed by an agent's installer for a token of its own. The code itself
// is never a credential for anything else, and only its SHA-256 is stored.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { codeSelector } from "../../shared/enrollment.js";
import { ConfigError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";

/** Most agents one code may enroll, and the longest a code may live. */
export const MAX_CODE_USES = 1000;
export const MAX_CODE_LIFETIME_MS = 90 * 86_400_000;
export const MIN_CODE_LIFETIME_MS = 60_000;

export interface EnrollmentCode {
  id: number;
  selector: string;
  unit: string;
  maxUses: number;
  uses: number;
  createdAt: number;
  createdBy: string;
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
}

/** Why a code was refused, in the words the installer shows. */
export const REFUSALS = {
  unknown: "unknown enrollment code: check it was copied whole, or ask for a new one",
  expired: "this enrollment code has expired: ask the data center or your unit for a new one",
  used: "this enrollment code has been used as many times as it allows: ask for a new one",
  revoked: "this enrollment code was revoked: ask the data center or your unit for a new one",
  inactive: "the unit of this enrollment code is no longer active in the collector",
} as const;
export type Refusal = keyof typeof REFUSALS;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Buffer, length: number): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

function hashCode(code: string): Buffer {
  return createHash("sha256").update(code).digest();
}

/** Compared when the selector matches no code, so a miss takes as long as a wrong secret. */
const NOTHING = hashCode("gse-nothing");

const COLUMNS = `id, selector, unit_id AS unit, max_uses AS maxUses, uses, created_at AS createdAt,
  created_by AS createdBy, expires_at AS expiresAt, revoked_at AS revokedAt, revoked_by AS revokedBy`;

export class EnrollmentCodes {
  constructor(private readonly db: Db) {}

  /** Makes a code for `unit`; the code is returned only here. */
  create(
    unit: string,
    options: { uses: number; lifetimeMs: number; createdBy: string },
    now: number,
  ): { code: string; row: EnrollmentCode } {
    const { uses, lifetimeMs, createdBy } = options;
    if (!Number.isInteger(uses) || uses < 1 || uses > MAX_CODE_USES) {
      throw new ConfigError(`--uses: must be a whole number from 1 to ${MAX_CODE_USES}`);
    }
    if (lifetimeMs < MIN_CODE_LIFETIME_MS || lifetimeMs > MAX_CODE_LIFETIME_MS) {
      throw new ConfigError("--expires: must be from 1m to 90d");
    }
    const unitRow = this.db.prepare("SELECT active FROM units WHERE id = ?").get(unit) as
      | { active: number }
      | undefined;
    if (!unitRow) throw new ConfigError(`--unit: no unit "${unit}" in the config's units`);
    if (unitRow.active !== 1) throw new ConfigError(`--unit: unit "${unit}" is inactive`);
    const selector = base32(randomBytes(5), 8);
    const code = `gse-${selector}-${base32(randomBytes(17), 26)}`;
    const id = Number(
      this.db
        .prepare(`
          INSERT INTO enrollment_codes
            (selector, hash, unit_id, max_uses, created_at, created_by, expires_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(selector, hashCode(code), unit, uses, now, createdBy, now + lifetimeMs)
        .lastInsertRowid,
    );
    return { code, row: this.get(id) as EnrollmentCode };
  }

  get(id: number): EnrollmentCode | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM enrollment_codes WHERE id = ?`).get(id) as
      | EnrollmentCode
      | undefined;
  }

  /** Newest first; of one unit when given. */
  list(unit?: string): EnrollmentCode[] {
    return (
      unit === undefined
        ? this.db.prepare(`SELECT ${COLUMNS} FROM enrollment_codes ORDER BY id DESC`).all()
        : this.db
            .prepare(`SELECT ${COLUMNS} FROM enrollment_codes WHERE unit_id = ? ORDER BY id DESC`)
            .all(unit)
    ) as EnrollmentCode[];
  }

  /** Stops the code from enrolling anyone else; agents it enrolled keep working. */
  revoke(id: number, by: string, now: number): EnrollmentCode | undefined {
    const changed = this.db
      .prepare(
        "UPDATE enrollment_codes SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
      )
      .run(now, by, id).changes;
    return changed === 1 ? this.get(id) : undefined;
  }

  /**
   * Takes one use of the code inside the caller's transaction (so the use and the agent it
   * enrolls are stored together or not at all). A malformed or unknown code and a wrong secret
   * are the same refusal; the others are told only to someone holding the whole code.
   */
  redeem(
    code: string,
    now: number,
  ): { ok: true; code: EnrollmentCode } | { ok: false; refusal: Refusal; code?: EnrollmentCode } {
    const selector = codeSelector(code);
    const row = selector
      ? (this.db
          .prepare(`SELECT ${COLUMNS}, hash FROM enrollment_codes WHERE selector = ?`)
          .get(selector) as (EnrollmentCode & { hash: Buffer }) | undefined)
      : undefined;
    const matches = timingSafeEqual(hashCode(code), row?.hash ?? NOTHING) && row !== undefined;
    if (!row || !matches) return { ok: false, refusal: "unknown" };
    const { hash: _, ...stored } = row;
    if (stored.revokedAt !== null) return { ok: false, refusal: "revoked", code: stored };
    if (stored.expiresAt <= now) return { ok: false, refusal: "expired", code: stored };
    if (stored.uses >= stored.maxUses) return { ok: false, refusal: "used", code: stored };
    const active = this.db.prepare("SELECT active FROM units WHERE id = ?").get(stored.unit) as
      | { active: number }
      | undefined;
    if (active?.active !== 1) return { ok: false, refusal: "inactive", code: stored };
    this.db.prepare("UPDATE enrollment_codes SET uses = uses + 1 WHERE id = ?").run(stored.id);
    return { ok: true, code: { ...stored, uses: stored.uses + 1 } };
  }
}
