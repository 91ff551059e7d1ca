// The store of central checks: per unit, those of collector.yaml (source config, replaced at every
// start and SIGHUP) and those added on the web or through the API (source api). A name is one check
// of the unit whichever source has it, since every agent of the unit runs them all.
import {
  type CentralCheck,
  centralCheckSchema,
  centralChecksHash,
} from "../../shared/config/central-checks.js";
import type { UnitConfig } from "../../shared/config/collector.js";
import { ConfigError, HttpError } from "../../shared/errors.js";
import { formatIssues } from "../../shared/issues.js";
import type { Db } from "../db/database.js";

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

/** What an agent of the unit is sent: its checks in order and the hash that names them. */
export function centralConfigOf(db: Db, unitId: string): { hash: string; checks: CentralCheck[] } {
  const checks = listCentralChecks(db, unitId).map((stored) => stored.check);
  return { hash: centralChecksHash(checks), checks };
}

/**
 * Makes the config checks of every unit those of collector.yaml; returns the units whose checks
 * changed, whose agents are sent them again. A name the API already uses for the unit is an error.
 */
export function syncConfigChecks(db: Db, units: readonly UnitConfig[], now: number): string[] {
  const changed: string[] = [];
  db.transaction(() => {
    const known = db
      .prepare("SELECT DISTINCT unit_id FROM central_checks")
      .pluck()
      .all() as string[];
    // Only units the database has (syncUnits ran): a unit new in the file waits for a restart.
    const stored = new Set(db.prepare("SELECT id FROM units").pluck().all() as string[]);
    const listed = new Map(
      units.filter((unit) => stored.has(unit.id)).map((unit) => [unit.id, unit.checks ?? []]),
    );
    for (const unit of new Set([...known, ...listed.keys()])) {
      const before = centralConfigOf(db, unit).hash;
      db.prepare("DELETE FROM central_checks WHERE unit_id = ? AND source = 'config'").run(unit);
      const api = new Set(listCentralChecks(db, unit).map((stored) => stored.check.name as string));
      (listed.get(unit) ?? []).forEach((check, position) => {
        if (api.has(check.name)) {
          throw new ConfigError(
            `collector.yaml: units (${unit}).checks: "${check.name}" is also a central check added on the web or the API; rename one`,
          );
        }
        insert(db, unit, "config", position, check as CentralCheck, "collector.yaml", now);
      });
      if (centralConfigOf(db, unit).hash !== before) changed.push(unit);
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
    if (existing.some((stored) => stored.check.name === valid.name)) {
      throw new HttpError(409, `unit ${unitId} already has a central check "${valid.name}"`);
    }
    const position = existing.filter((stored) => stored.source === "api").length;
    insert(db, unitId, "api", position, valid, by, now);
  })();
  return valid;
}
