// People who use the web pages: names, roles and scrypt password hashes in the collector's database.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { ConfigError, HttpError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";
import { ROLES, type Role, type User } from "./roles.js";

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;

/**
 * scrypt (RFC 7914) with N=2^15, r=8, p=3: one of OWASP's equivalent settings for password
 * storage, using 32 MiB per hash. The parameters are stored with each hash, so they can be raised
 * later without invalidating existing passwords.
 */
const COST = { N: 2 ** 15, r: 8, p: 3 };
const KEY_BYTES = 32;
const MAX_MEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, cost: typeof COST): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // Asynchronous on purpose: ~50 ms of hashing must not hold up agents' batches.
    scrypt(password, salt, KEY_BYTES, { ...cost, maxmem: MAX_MEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Logins waiting for the one password check that runs at a time; past this, 503. */
const MAX_WAITING = 16;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) {
    throw new ConfigError(`password: at least ${MIN_PASSWORD} characters, please`);
  }
  if (password.length > MAX_PASSWORD) {
    throw new ConfigError(`password: at most ${MAX_PASSWORD} characters`);
  }
}

export interface UserRow extends User {
  createdAt: number;
}

interface RawUser {
  id: number;
  name: string;
  role: Role;
  unit: string | null;
  password: string;
  createdAt: number;
  leader: number;
}

const SELECT =
  "SELECT id, name, role, unit_id AS unit, password, created_at AS createdAt, leader FROM users";

export class UserStore {
  /** Checking a name that does not exist costs as much as a wrong password. */
  #dummyHash: Promise<string> | undefined;
  #hashing = false;
  readonly #waiting: (() => void)[] = [];

  readonly #maxWaiting: number;

  constructor(
    private readonly db: Db,
    options: { maxWaiting?: number } = {},
  ) {
    this.#maxWaiting = options.maxWaiting ?? MAX_WAITING;
  }

  /**
   * One password check at a time: each takes a core for ~0.3 s on a small server, and a flood of
   * logins from many addresses must not take the CPU that agents' batches need.
   */
  async #oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    if (this.#hashing) {
      if (this.#waiting.length >= this.#maxWaiting) {
        throw new HttpError(503, "too many logins at once; try again in a few seconds", {
          headers: { "Retry-After": "5" },
        });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#hashing = true;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#hashing = false;
    }
  }

  /** `leader`: the unit's leader in charge, who signs its inspection (role unit only). */
  async add(
    name: string,
    role: string,
    unit: string | undefined,
    password: string,
    now: number,
    options: { leader?: boolean } = {},
  ): Promise<User> {
    const leader = options.leader ?? false;
    if (!USER_NAME.test(name)) {
      throw new ConfigError(`--name: "${name}" must be 1-64 letters, digits, '_', '.', '@' or '-'`);
    }
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(`--role: must be one of ${ROLES.join(", ")}, got "${role}"`);
    }
    if (role === "unit" && unit === undefined) {
      throw new ConfigError("--unit: a user of role unit needs the unit's id");
    }
    if (role !== "unit" && unit !== undefined) {
      throw new ConfigError(`--unit: only users of role unit belong to one unit, not ${role}`);
    }
    if (leader && role !== "unit") {
      throw new ConfigError(`--leader: only a unit's user can be its leader, not a ${role} user`);
    }
    if (unit !== undefined && !this.db.prepare("SELECT 1 FROM units WHERE id = ?").get(unit)) {
      throw new ConfigError(`--unit: no unit "${unit}" in the config's units`);
    }
    checkPassword(password);
    if (this.#byName(name)) throw new ConfigError(`user "${name}" exists already`);
    const hash = await hashPassword(password);
    const id = Number(
      this.db
        .prepare(
          "INSERT INTO users (name, role, unit_id, password, created_at, leader) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(name, role, unit ?? null, hash, now, leader ? 1 : 0).lastInsertRowid,
    );
    return { id, name, role: role as Role, unit: unit ?? null, leader };
  }

  /** Sets a new password and ends the user's sessions; false when there is no such user. */
  async setPassword(name: string, password: string): Promise<boolean> {
    checkPassword(password);
    const user = this.#byName(name);
    if (!user) return false;
    const hash = await hashPassword(password);
    this.db
      .transaction(() => {
        this.db.prepare("UPDATE users SET password = ? WHERE id = ?").run(hash, user.id);
        this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(user.id);
      })
      .immediate();
    return true;
  }

  /** Removes the user and with it every session; false when there is no such user. */
  remove(name: string): boolean {
    return this.db.prepare("DELETE FROM users WHERE name = ?").run(name).changes > 0;
  }

  list(): UserRow[] {
    return (this.db.prepare(`${SELECT} ORDER BY name`).all() as RawUser[]).map(
      ({ password: _, leader, ...user }) => ({ ...user, leader: leader === 1 }),
    );
  }

  /** The user when the name and password match; the time taken does not tell which was wrong. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const row = USER_NAME.test(name) ? this.#byName(name) : undefined;
    // The place in the queue is taken now, whichever way the check then goes.
    return this.#oneAtATime(async () => {
      if (!row) {
        this.#dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
        await verifyPassword(password, await this.#dummyHash);
        return undefined;
      }
      if (!(await verifyPassword(password, row.password))) return undefined;
      return {
        id: row.id,
        name: row.name,
        role: row.role,
        unit: row.unit,
        leader: row.leader === 1,
      };
    });
  }

  #byName(name: string): RawUser | undefined {
    return this.db.prepare(`${SELECT} WHERE name = ?`).get(name) as RawUser | undefined;
  }
}
