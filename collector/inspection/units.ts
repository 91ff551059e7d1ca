// Units come from collector.yaml; a unit removed from the file keeps its history, marked inactive.
import type { UnitConfig } from "../../shared/config/collector.js";
import type { Db } from "../db/database.js";

export interface UnitRow {
  id: string;
  name: string;
  kind: string;
  leader: UnitConfig["leader"];
  contact: UnitConfig["contact"];
  active: boolean;
}

export function syncUnits(db: Db, units: readonly UnitConfig[], now: number): void {
  const upsert = db.prepare(`
    INSERT INTO units (id, name, kind, leader, contact, active, updated_at)
    VALUES (@id, @name, @kind, @leader, @contact, 1, @now)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
      leader = excluded.leader, contact = excluded.contact, active = 1, updated_at = excluded.updated_at`);
  db.transaction(() => {
    for (const unit of units) {
      upsert.run({
        id: unit.id,
        name: unit.name,
        kind: unit.kind,
        leader: unit.leader ? JSON.stringify(unit.leader) : null,
        contact: unit.contact ? JSON.stringify(unit.contact) : null,
        now,
      });
    }
    const ids = JSON.stringify(units.map((unit) => unit.id));
    db.prepare(
      "UPDATE units SET active = 0, updated_at = ? WHERE active = 1 AND id NOT IN (SELECT value FROM json_each(?))",
    ).run(now, ids);
  }).immediate();
}

interface RawUnit {
  id: string;
  name: string;
  kind: string;
  leader: string | null;
  contact: string | null;
  active: number;
}

export function listUnits(db: Db): UnitRow[] {
  const rows = db.prepare("SELECT * FROM units ORDER BY active DESC, name").all() as RawUnit[];
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    leader: row.leader ? JSON.parse(row.leader) : undefined,
    contact: row.contact ? JSON.parse(row.contact) : undefined,
    active: row.active === 1,
  }));
}

/** Each unit's root check (units[].root), for the default dependencies of its remote checks. */
export function unitRoots(units: readonly UnitConfig[]): Map<string, string> {
  const roots = new Map<string, string>();
  for (const unit of units) if (unit.root !== undefined) roots.set(unit.id, unit.root);
  return roots;
}
