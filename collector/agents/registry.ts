// Agents and their tokens: enroll, revoke, and who a token belongs to.
import { ConfigError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";
import { hashToken, newToken } from "./tokens.js";

export interface AgentIdentity {
  id: number;
  name: string;
  unit: string;
  lastSeq: number;
}

export interface AgentRow {
  id: number;
  unit: string;
  name: string;
  createdAt: number;
  revokedAt: number | null;
  lastSeen: number | null;
  hostname: string | null;
  os: string | null;
  agentVersion: string | null;
}

export class AgentStore {
  readonly #byToken;
  readonly #lookup;

  constructor(private readonly db: Db) {
    this.#byToken = db.prepare(`
      SELECT a.id, a.name, a.unit_id AS unit, a.last_seq AS lastSeq, t.expires_at AS tokenExpiresAt
      FROM tokens t JOIN agents a ON a.id = t.agent_id
      WHERE t.hash = ? AND a.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`);
    this.#lookup = db.prepare(
      "SELECT id, revoked_at AS revokedAt FROM agents WHERE unit_id = ? AND name = ?",
    );
  }

  /** Creates the agent (or re-enrolls a revoked one, keeping its history) and returns its new token. */
  enroll(unit: string, name: string, now: number): { agent: AgentIdentity; token: string } {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
      throw new ConfigError(`--name: "${name}" must be 1-64 letters, digits, '_', '.' or '-'`);
    }
    const token = newToken();
    const agent = this.db
      .transaction(() => {
        const unitRow = this.db.prepare("SELECT active FROM units WHERE id = ?").get(unit) as
          | { active: number }
          | undefined;
        if (!unitRow) throw new ConfigError(`--unit: no unit "${unit}" in the config's units`);
        if (unitRow.active !== 1) throw new ConfigError(`--unit: unit "${unit}" is inactive`);
        const existing = this.#lookup.get(unit, name) as
          | { id: number; revokedAt: number | null }
          | undefined;
        let id: number;
        if (existing && existing.revokedAt === null) {
          throw new ConfigError(
            `agent "${name}" of unit "${unit}" is already enrolled; revoke it first to issue a new token`,
          );
        } else if (existing) {
          id = existing.id;
          this.db.prepare("UPDATE agents SET revoked_at = NULL WHERE id = ?").run(id);
        } else {
          id = Number(
            this.db
              .prepare("INSERT INTO agents (unit_id, name, created_at) VALUES (?, ?, ?)")
              .run(unit, name, now).lastInsertRowid,
          );
        }
        this.db
          .prepare("INSERT INTO tokens (hash, agent_id, created_at) VALUES (?, ?, ?)")
          .run(hashToken(token), id, now);
        const lastSeq = (
          this.db.prepare("SELECT last_seq FROM agents WHERE id = ?").get(id) as {
            last_seq: number;
          }
        ).last_seq;
        return { id, name, unit, lastSeq };
      })
      .immediate();
    return { agent, token };
  }

  /** True when the unit has an active (not revoked) agent of this name. */
  isActive(unit: string, name: string): boolean {
    const existing = this.#lookup.get(unit, name) as { revokedAt: number | null } | undefined;
    return existing !== undefined && existing.revokedAt === null;
  }

  /** Revokes every token of the agent; returns false when there is no such active agent. */
  revoke(unit: string, name: string, now: number): boolean {
    return this.db
      .transaction(() => {
        const existing = this.#lookup.get(unit, name) as
          | { id: number; revokedAt: number | null }
          | undefined;
        if (!existing || existing.revokedAt !== null) return false;
        this.db.prepare("UPDATE agents SET revoked_at = ? WHERE id = ?").run(now, existing.id);
        this.db.prepare("DELETE FROM tokens WHERE agent_id = ?").run(existing.id);
        return true;
      })
      .immediate();
  }

  /** The agent a token belongs to, and when the token stops working (null: when revoked). */
  authenticate(
    token: string,
    now: number,
  ): (AgentIdentity & { tokenExpiresAt: number | null }) | undefined {
    return this.#byToken.get(hashToken(token), now) as
      | (AgentIdentity & { tokenExpiresAt: number | null })
      | undefined;
  }

  /**
   * Issues a new token and lets the agent's current ones work for `graceMs` more (0: not at all),
   * so the new agent.yaml can be installed before the old token stops working.
   */
  rotate(unit: string, name: string, graceMs: number, now: number): string {
    const token = newToken();
    this.db
      .transaction(() => {
        const existing = this.#lookup.get(unit, name) as
          | { id: number; revokedAt: number | null }
          | undefined;
        if (!existing || existing.revokedAt !== null) {
          throw new ConfigError(`no active agent "${name}" in unit "${unit}"`);
        }
        this.db
          .prepare(
            "UPDATE tokens SET expires_at = min(coalesce(expires_at, @until), @until) WHERE agent_id = @id",
          )
          .run({ until: now + graceMs, id: existing.id });
        this.db
          .prepare("DELETE FROM tokens WHERE agent_id = ? AND expires_at <= ?")
          .run(existing.id, now);
        this.db
          .prepare("INSERT INTO tokens (hash, agent_id, created_at) VALUES (?, ?, ?)")
          .run(hashToken(token), existing.id, now);
      })
      .immediate();
    return token;
  }

  /**
   * Of the given token hashes, those that still work, each with when it stops working (null:
   * until revoked). A hash missing from the answer belongs to a revoked or expired token.
   */
  liveTokens(hashes: readonly Buffer[], now: number): Map<string, number | null> {
    const live = new Map<string, number | null>();
    if (hashes.length === 0) return live;
    const rows = this.db
      .prepare(`
        SELECT hex(t.hash) AS hash, t.expires_at AS expiresAt
        FROM tokens t JOIN agents a ON a.id = t.agent_id, json_each(?) j
        WHERE t.hash = unhex(j.value) AND a.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > ?)`)
      .all(JSON.stringify(hashes.map((h) => h.toString("hex"))), now) as {
      hash: string;
      expiresAt: number | null;
    }[];
    for (const row of rows) live.set(row.hash.toLowerCase(), row.expiresAt);
    return live;
  }

  /**
   * What the agent says of itself; titles, when it sends them (an older agent does not), replace
   * those kept for its checks.
   */
  recordHello(
    id: number,
    hello: {
      hostname: string;
      os: string;
      agentVersion: string;
      titles?: Record<string, string> | undefined;
      node?: string | undefined;
      startedAt?: number | undefined;
      features?: string[] | undefined;
    },
    now: number,
  ): void {
    const { titles } = hello;
    const facts = JSON.stringify({
      node: hello.node,
      startedAt: hello.startedAt,
      features: hello.features ?? [],
    });
    this.db.transaction(() => {
      this.db
        .prepare(
          "UPDATE agents SET hostname = ?, os = ?, agent_version = ?, last_seen = ?, facts = ? WHERE id = ?",
        )
        .run(hello.hostname, hello.os, hello.agentVersion, now, facts, id);
      if (titles === undefined) return;
      this.db.prepare("DELETE FROM check_titles WHERE agent_id = ?").run(id);
      const insert = this.db.prepare(
        "INSERT INTO check_titles (agent_id, check_name, title) VALUES (?, ?, ?)",
      );
      for (const [check, title] of Object.entries(titles)) insert.run(id, check, title);
    })();
  }

  /** The unit and name of an agent, as they appear in labels. */
  labels(id: number): { unit: string; agent: string } | undefined {
    return this.db
      .prepare("SELECT unit_id AS unit, name AS agent FROM agents WHERE id = ?")
      .get(id) as { unit: string; agent: string } | undefined;
  }

  list(): AgentRow[] {
    return this.db
      .prepare(`
        SELECT id, unit_id AS unit, name, created_at AS createdAt, revoked_at AS revokedAt,
               last_seen AS lastSeen, hostname, os, agent_version AS agentVersion
        FROM agents ORDER BY unit_id, name`)
      .all() as AgentRow[];
  }
}
