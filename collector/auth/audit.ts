// The audit log: who enrolled, revoked or rotated an agent, made or revoked an enrollment code,
// signed off a unit, changed a user or planned maintenance, every notification sent or given up
// on, and when.
import { userInfo } from "node:os";
import type { Db } from "../db/database.js";

export const AUDIT_ACTIONS = [
  "enroll",
  "revoke",
  "rotate",
  "signoff",
  "user.add",
  "user.remove",
  "user.password",
  "code.create",
  "code.revoke",
  /** A notification delivered or refused for good (actor "giamsat"), or a test message sent. */
  "notify",
  "notify.test",
  /** A planned maintenance window created, or one of its occurrences ended early. */
  "maintenance.create",
  "maintenance.end",
  /** A unit's central checks changed on the web or through the API. */
  "central.update",
  /** A discovery run asked of a unit's agent, or refused for a network the unit does not own. */
  "discovery.start",
  "discovery.refused",
  /** A discovered device approved (with its checks) or ignored. */
  "discovery.decide",
  /** An agent offered a package to upgrade to, and each step it reported (actor `agent:<name>`). */
  "upgrade",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  /** A user's name, or `cli:<system user>` for a command run on the collector's machine. */
  actor: string;
  action: AuditAction;
  unit?: string | undefined;
  /** The agent or user acted on. */
  target?: string | undefined;
  /** Anything else worth keeping; never a token or password. */
  detail?: Record<string, unknown> | undefined;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: AuditAction;
  unit: string | null;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export function recordAudit(db: Db, entry: AuditEntry, now: number): void {
  db.prepare(
    "INSERT INTO audit (at, actor, action, unit_id, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(
    now,
    entry.actor,
    entry.action,
    entry.unit ?? null,
    entry.target ?? null,
    entry.detail ? JSON.stringify(entry.detail) : null,
  );
}

/** Newest first; `before` (an id) pages further back. */
export function listAudit(db: Db, options: { before?: number; limit?: number } = {}): AuditRow[] {
  const rows = db
    .prepare(`
      SELECT id, at, actor, action, unit_id AS unit, target, detail FROM audit
      WHERE id < ? ORDER BY id DESC LIMIT ?`)
    .all(options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 200) as (Omit<
    AuditRow,
    "detail"
  > & { detail: string | null })[];
  return rows.map((row) => ({ ...row, detail: row.detail ? JSON.parse(row.detail) : null }));
}

/** The actor of a command-line action: the system user who ran it. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return "cli";
  }
}
