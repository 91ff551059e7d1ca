// Central checks of one agent, run besides those of every agent of its unit: collector.yaml's
// units[].agents.<name>.checks (source config, replaced at every start and SIGHUP) and those of the
// API (source api). Kept by the agent's name, so a name not enrolled yet applies when it enrolls.
// The agent is sent one set, its unit's checks then its own: a name in both is refused wherever it
// is written (a ConfigError at load, 400 from the API).
import type { CentralCheck } from "../../shared/config/central-checks.js";
import { ConfigError, HttpError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";
import type { CentralSource, StoredCentralCheck } from "./central-checks.js";

interface Row {
  source: CentralSource;
  body: string;
  updated_at: number;
  updated_by: string;
}

/** One agent's own central checks: collector.yaml's first, then the API's, each in its order. */
export function listAgentChecks(db: Db, unit: string, agent: string): StoredCentralCheck[] {
  const rows = db
    .prepare(
      `SELECT source, body, updated_at, updated_by FROM agent_central_checks
       WHERE unit_id = ? AND agent_name = ? ORDER BY source = 'api', position`,
    )
    .all(unit, agent) as Row[];
  return rows.map((row) => ({
    source: row.source,
    check: JSON.parse(row.body) as CentralCheck,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }));
}

/** Every check name some agent of the unit has as its own, with the first such agent. */
export function agentCheckOwners(db: Db, unit: string): Map<string, string> {
  const rows = db
    .prepare(
      "SELECT name, agent_name FROM agent_central_checks WHERE unit_id = ? ORDER BY agent_name",
    )
    .all(unit) as { name: string; agent_name: string }[];
  const owners = new Map<string, string>();
  for (const row of rows) if (!owners.has(row.name)) owners.set(row.name, row.agent_name);
  return owners;
}

/** Units that have checks of an agent stored, from any source. */
export function unitsWithAgentChecks(db: Db): string[] {
  return db.prepare("SELECT DISTINCT unit_id FROM agent_central_checks").pluck().all() as string[];
}

/** All the agents' checks of a unit as one string: changed when any agent's set changed. */
export function agentChecksFingerprint(db: Db, unit: string): string {
  const rows = db
    .prepare(
      `SELECT agent_name, body FROM agent_central_checks WHERE unit_id = ?
       ORDER BY agent_name, source = 'api', position`,
    )
    .all(unit);
  return JSON.stringify(rows);
}

/** The unit's own central checks by name, with where each was written. */
function unitChecks(db: Db, unit: string): Map<string, CentralSource> {
  const rows = db
    .prepare("SELECT name, source FROM central_checks WHERE unit_id = ?")
    .all(unit) as { name: string; source: CentralSource }[];
  return new Map(rows.map((row) => [row.name, row.source]));
}

const WHERE_UNIT: Record<CentralSource, (unit: string) => string> = {
  config: (unit) => `units (${unit}).checks`,
  api: (unit) => `the central checks of unit ${unit} added on the web or the API`,
};

function insert(
  db: Db,
  at: { unit: string; agent: string; source: CentralSource; position: number },
  check: CentralCheck,
  by: string,
  now: number,
): void {
  db.prepare(
    `INSERT INTO agent_central_checks
       (unit_id, agent_name, name, source, position, body, updated_at, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(at.unit, at.agent, check.name, at.source, at.position, JSON.stringify(check), now, by);
}

/**
 * Makes the config checks of the unit's agents those of collector.yaml (the caller runs this in
 * its transaction, after the unit's own). A name the unit has, or the agent's API checks have, is a
 * ConfigError naming both places.
 */
export function syncAgentConfigChecks(
  db: Db,
  unit: string,
  agents: Readonly<Record<string, { checks: readonly unknown[] }>>,
  now: number,
): void {
  db.prepare("DELETE FROM agent_central_checks WHERE unit_id = ? AND source = 'config'").run(unit);
  const ofUnit = unitChecks(db, unit);
  for (const [agent, own] of Object.entries(agents)) {
    const api = new Set(listAgentChecks(db, unit, agent).map((stored) => stored.check.name));
    (own.checks as CentralCheck[]).forEach((check, position) => {
      const here = `collector.yaml: units (${unit}).agents.${agent}.checks`;
      const unitSource = ofUnit.get(check.name);
      if (unitSource) {
        throw new ConfigError(
          `${here}: "${check.name}" is also in ${WHERE_UNIT[unitSource](unit)}; the agent runs both as one set: rename one`,
        );
      }
      if (api.has(check.name)) {
        throw new ConfigError(
          `${here}: "${check.name}" is also a check of agent ${agent} added through the API; rename one`,
        );
      }
      insert(db, { unit, agent, source: "config", position }, check, "collector.yaml", now);
    });
  }
}

/**
 * Replaces one agent's checks of the API (the caller audits it). A name of the unit's checks is
 * refused (400: the agent would be sent it twice); one collector.yaml gives the agent, 409.
 */
export function replaceApiAgentChecks(
  db: Db,
  at: { unit: string; agent: string },
  checks: readonly CentralCheck[],
  by: string,
  now: number,
): void {
  const { unit, agent } = at;
  db.transaction(() => {
    const ofUnit = unitChecks(db, unit);
    const clash = checks.find((check) => ofUnit.has(check.name));
    if (clash) {
      throw new HttpError(
        400,
        `checks: "${clash.name}" is also in ${WHERE_UNIT[ofUnit.get(clash.name) ?? "api"](unit)}; agent ${agent} runs its unit's checks and its own as one set: choose another name`,
      );
    }
    const fromConfig = new Set(
      listAgentChecks(db, unit, agent)
        .filter((stored) => stored.source === "config")
        .map((stored) => stored.check.name),
    );
    const taken = checks.find((check) => fromConfig.has(check.name));
    if (taken) {
      throw new HttpError(
        409,
        `checks: "${taken.name}" is a check of collector.yaml for agent ${agent} (units (${unit}).agents.${agent}.checks); change it there or choose another name`,
      );
    }
    db.prepare(
      "DELETE FROM agent_central_checks WHERE unit_id = ? AND agent_name = ? AND source = 'api'",
    ).run(unit, agent);
    checks.forEach((check, position) => {
      insert(db, { unit, agent, source: "api", position }, check, by, now);
    });
  })();
}
