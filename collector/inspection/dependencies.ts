// Which checks each check depends on: those its agent.yaml names in dependsOn (sent with its
// results, kept in the checks table), or else, for a remote check (one that reaches beyond the
// unit's LAN), the unit's root check on the same agent (collector.yaml's units[].root). Read per
// agent when first asked and again when the agent's checks change.
import type { Db } from "../db/database.js";
import type { SeriesCatalog } from "../tsdb/index.js";

/** Categories whose checks go through the unit's link to reach what they check. */
export const REMOTE_CATEGORIES: ReadonlySet<string> = new Set([
  "online_app",
  "shared_software",
  "website",
  "datacenter",
]);

interface AgentChecks {
  /** Check name → the names of the checks it depends on. */
  parents: Map<string, string[]>;
}

export class Dependencies {
  readonly #agents = new Map<number, AgentChecks>();
  readonly #seriesIds = new Map<string, number>();
  readonly #read;

  constructor(
    db: Db,
    private readonly catalog: SeriesCatalog,
    /** Unit id → its root check's name. */
    private readonly roots: ReadonlyMap<string, string> = new Map(),
  ) {
    this.#read = db.prepare(
      "SELECT name, category, depends_on AS dependsOn FROM checks WHERE agent_id = ? ORDER BY name",
    );
  }

  /** The agent's checks changed (a new check, or new dependsOn): read them again when asked. */
  changed(agentId: number): void {
    this.#agents.delete(agentId);
  }

  /** After a rolled-back transaction. */
  forget(): void {
    this.#agents.clear();
  }

  /** Names of the checks `check` of the agent depends on; none for most. */
  parents(agentId: number, unit: string, check: string): readonly string[] {
    let agent = this.#agents.get(agentId);
    if (!agent) {
      agent = this.#load(agentId, unit);
      this.#agents.set(agentId, agent);
    }
    return agent.parents.get(check) ?? [];
  }

  /** Whether another check of the agent depends on `check`: its problems are a "link" outage. */
  isParent(agentId: number, unit: string, check: string): boolean {
    this.parents(agentId, unit, check);
    const agent = this.#agents.get(agentId);
    for (const parents of agent?.parents.values() ?? []) if (parents.includes(check)) return true;
    return false;
  }

  /** The giamsat_check_up series of the checks `check` depends on (those that reported yet). */
  parentSeries(agentId: number, unit: string, check: string): number[] {
    const out: number[] = [];
    for (const name of this.parents(agentId, unit, check)) {
      const id = this.#seriesOf(agentId, unit, name);
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  #seriesOf(agentId: number, unit: string, check: string): number | undefined {
    const key = `${agentId}\u0000${check}`;
    let id = this.#seriesIds.get(key);
    if (id === undefined) {
      this.catalog.refresh();
      for (const c of this.catalog.unitChecks(unit)) {
        if (c.agentId === agentId) this.#seriesIds.set(`${agentId}\u0000${c.check}`, c.id);
      }
      id = this.#seriesIds.get(key);
    }
    return id;
  }

  #load(agentId: number, unit: string): AgentChecks {
    const rows = this.#read.all(agentId) as {
      name: string;
      category: string;
      dependsOn: string | null;
    }[];
    const parents = new Map<string, string[]>();
    for (const row of rows) {
      if (row.dependsOn !== null) parents.set(row.name, JSON.parse(row.dependsOn) as string[]);
    }
    const root = this.roots.get(unit);
    if (root !== undefined && rows.some((r) => r.name === root)) {
      // The root's own ancestors cannot depend on it: that would be a cycle.
      const ancestors = new Set<string>();
      const climb = (name: string) => {
        for (const parent of parents.get(name) ?? []) {
          if (ancestors.has(parent)) continue;
          ancestors.add(parent);
          climb(parent);
        }
      };
      climb(root);
      for (const row of rows) {
        if (row.name === root || ancestors.has(row.name) || parents.has(row.name)) continue;
        if (REMOTE_CATEGORIES.has(row.category)) parents.set(row.name, [root]);
      }
    }
    return { parents };
  }
}
