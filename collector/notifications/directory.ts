// Names and people a message needs: units from collector.yaml (who their contact and leader are),
// agents' names from the database, read once and kept (an agent's name never changes).
import type { UnitConfig } from "../../shared/config/collector.js";
import type { Db } from "../db/database.js";

export interface UnitDirectory {
  unit(id: string): UnitConfig | undefined;
  agentName(id: number | null | undefined): string | null;
}

export function unitDirectory(db: Db, units: readonly UnitConfig[]): UnitDirectory {
  const byId = new Map(units.map((u) => [u.id, u]));
  const name = db.prepare("SELECT name FROM agents WHERE id = ?").pluck();
  const agents = new Map<number, string>();
  return {
    unit: (id) => byId.get(id),
    agentName(id) {
      if (id === null || id === undefined) return null;
      let found = agents.get(id);
      if (found === undefined) {
        found = (name.get(id) as string | undefined) ?? `#${id}`;
        agents.set(id, found);
      }
      return found;
    },
  };
}
