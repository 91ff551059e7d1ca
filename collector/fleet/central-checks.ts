// The store of central checks: per unit, those of collector.yaml (source config, replaced at every
// start and SIGHUP) and those added on the web or through the API (source api). A name is one check
// of the unit whichever source has it, since every agent of the unit runs them all; nor may an
// agent's own checks (agent-checks.ts) use it, since the agent is sent both as one set.

import { MAX_PARENTS } from "../../shared/config/agent.js";
import {
  type CentralCheck,
  centralCheckSchema,
  centralChecksHash,
} from "../../shared/config/central-checks.js";
import type { UnitConfig } from "../../shared/config/collector.js";
import { ConfigError, HttpError } from "../../shared/errors.js";
import { formatIssues } from "../../shared/issues.js";
import type { Db } from "../db/database.js";
import {
  agentCheckOwners,
  agentChecksFingerprint,
  listAgentChecks,
  syncAgentConfigChecks,
  unitsWithAgentChecks,
} from "./agent-checks.js";

export type CentralSource = "config" | "api";

export interface StoredCentralCheck {
  source: CentralSource;
  check: CentralCheck;
  updatedAt: number;
  updatedBy: string;
}

interface Row {
  source: CentralSource;
  body: string;
  updated_at: number;
  updated_by: string;
}

/** A unit's central checks: collector.yaml's first, then the API's, each in its own order. */
export function listCentralChecks(db: Db, unitId: string): StoredCentralCheck[] {
  const rows = db
    .prepare(
      `SELECT source, body, updated_at, updated_by FROM central_checks WHERE unit_id = ?
       ORDER BY source = 'api', position`,
    )
    .all(unitId) as Row[];
  return rows.map((row) => ({
    source: row.source,
    check: JSON.parse(row.body) as CentralCheck,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }));
}

/**
 * What an agent of the unit is sent: the unit's checks then the agent's own, in order, the hash
 * that names them, and how many are the agent's own. Without an agent, the unit's alone.
 */
export function centralConfigOf(
  db: Db,
  unitId: string,
  agent?: string,
): { hash: string; checks: CentralCheck[]; own: number } {
  const own = agent === undefined ? [] : listAgentChecks(db, unitId, agent);
  const checks = [...listCentralChecks(db, unitId), ...own].map((stored) => stored.check);
  return { hash: centralChecksHash(checks), checks, own: own.length };
}

/**
 * Makes the config checks of every unit and of its agents those of collector.yaml; returns the
 * units whose checks or whose agents' checks changed, whose agents are sent them again. A name the
 * API already uses for the unit or for one of its agents is an error.
 */
export function syncConfigChecks(db: Db, units: readonly UnitConfig[], now: number): string[] {
  const changed: string[] = [];
  db.transaction(() => {
    const known = [
      ...(db.prepare("SELECT DISTINCT unit_id FROM central_checks").pluck().all() as string[]),
      ...unitsWithAgentChecks(db),
    ];
    // Only units the database has (syncUnits ran): a unit new in the file waits for a restart.
    const stored = new Set(db.prepare("SELECT id FROM units").pluck().all() as string[]);
    const listed = new Map(
      units.filter((unit) => stored.has(unit.id)).map((unit) => [unit.id, unit]),
    );
    for (const unit of new Set([...known, ...listed.keys()])) {
      const fingerprint = () => centralConfigOf(db, unit).hash + agentChecksFingerprint(db, unit);
      const before = fingerprint();
      db.prepare("DELETE FROM central_checks WHERE unit_id = ? AND source = 'config'").run(unit);
      db.prepare("DELETE FROM agent_central_checks WHERE unit_id = ? AND source = 'config'").run(
        unit,
      );
      const api = new Set(listCentralChecks(db, unit).map((stored) => stored.check.name as string));
      const ofAgents = agentCheckOwners(db, unit);
      (listed.get(unit)?.checks ?? []).forEach((check, position) => {
        const here = `collector.yaml: units (${unit}).checks`;
        if (api.has(check.name)) {
          throw new ConfigError(
            `${here}: "${check.name}" is also a central check added on the web or the API; rename one`,
          );
        }
        const agent = ofAgents.get(check.name);
        if (agent !== undefined) {
          throw new ConfigError(
            `${here}: "${check.name}" is also a check of agent ${agent} added through the API; the agent runs both as one set: rename one`,
          );
        }
        insert(db, unit, "config", position, check as CentralCheck, "collector.yaml", now);
      });
      syncAgentConfigChecks(db, unit, listed.get(unit)?.agents ?? {}, now);
      if (fingerprint() !== before) changed.push(unit);
    }
  })();
  return changed;
}

function insert(
  db: Db,
  unit: string,
  source: CentralSource,
  position: number,
  check: CentralCheck,
  by: string,
  now: number,
): void {
  db.prepare(
    `INSERT INTO central_checks (unit_id, name, source, position, body, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(unit, check.name, source, position, JSON.stringify(check), now, by);
}

/**
 * Replaces the unit's checks added on the web or the API (the caller audits it). A name that
 * collector.yaml gives the unit is refused (409): that check is changed in the file.
 */
export function replaceApiChecks(
  db: Db,
  unitId: string,
  checks: readonly CentralCheck[],
  by: string,
  now: number,
): void {
  db.transaction(() => {
    const fromConfig = new Set(
      listCentralChecks(db, unitId)
        .filter((stored) => stored.source === "config")
        .map((stored) => stored.check.name as string),
    );
    const clash = checks.find((check) => fromConfig.has(check.name));
    if (clash) {
      throw new HttpError(
        409,
        `checks: "${clash.name}" is a check of collector.yaml for unit ${unitId}; change it there or choose another name`,
      );
    }
    const ofAgents = agentCheckOwners(db, unitId);
    const own = checks.find((check) => ofAgents.has(check.name));
    if (own) {
      throw new HttpError(
        400,
        `checks: "${own.name}" is a central check of agent ${ofAgents.get(own.name)} of unit ${unitId}; the agent runs its unit's checks and its own as one set: choose another name`,
      );
    }
    db.prepare("DELETE FROM central_checks WHERE unit_id = ? AND source = 'api'").run(unitId);
    checks.forEach((check, position) => {
      insert(db, unitId, "api", position, check, by, now);
    });
  })();
}

/**
 * Adds one check to a unit's central checks (source api), after the others; the unit's agents get
 * it when the caller asks the collector to push (RunningCollector.pushCentralChecks). Throws an
 * HttpError 400 for a check the schema refuses and 409 for a name the unit already has.
 */
export function addCentralCheck(
  db: Db,
  unitId: string,
  check: unknown,
  by = "giamsat",
  now = Date.now(),
): CentralCheck {
  const parsed = centralCheckSchema.safeParse(check);
  if (!parsed.success) throw new HttpError(400, formatIssues("check", parsed.error.issues));
  const valid = parsed.data as CentralCheck;
  if (!db.prepare("SELECT 1 FROM units WHERE id = ?").get(unitId)) {
    throw new HttpError(404, `no unit "${unitId}"`);
  }
  db.transaction(() => {
    const existing = listCentralChecks(db, unitId);
    const taken = existing.some((stored) => stored.check.name === valid.name);
    if (taken || agentCheckOwners(db, unitId).has(valid.name)) {
      throw new HttpError(409, `unit ${unitId} already has a central check "${valid.name}"`);
    }
    const position = existing.filter((stored) => stored.source === "api").length;
    insert(db, unitId, "api", position, valid, by, now);
  })();
  return valid;
}

/**
 * Adds parents to the dependsOn of a unit's check added on the web or the API, keeping those it
 * has; returns the check as it is now, or undefined when the unit has no such check (a person
 * removed it) or it already names them all. The caller audits it and pushes.
 */
export function addCentralParents(
  db: Db,
  unitId: string,
  name: string,
  parents: readonly string[],
  by: string,
  now: number,
): CentralCheck | undefined {
  const stored = listCentralChecks(db, unitId).find(
    (s) => s.source === "api" && s.check.name === name,
  );
  if (!stored) return undefined;
  const before = (stored.check.dependsOn as string[] | undefined) ?? [];
  const after = [...new Set([...before, ...parents])].filter((p) => p !== name);
  if (after.length === before.length) return undefined;
  const check = { ...stored.check, dependsOn: after.slice(0, MAX_PARENTS) } as CentralCheck;
  db.prepare(
    "UPDATE central_checks SET body = ?, updated_at = ?, updated_by = ? WHERE unit_id = ? AND source = 'api' AND name = ?",
  ).run(JSON.stringify(check), now, by, unitId, name);
  return check;
}
