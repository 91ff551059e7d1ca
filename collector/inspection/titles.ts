// The display titles of checks (agent.yaml `title`), as each agent's hello last sent them: what
// leaders read in place of a check's id. Read per request for the units it is about: a city has a
// few thousand checks at most, and a title changes only when an agent says hello again.
import type { Db } from "../db/database.js";

export class CheckTitles {
  readonly #read;

  constructor(db: Db) {
    this.#read = db
      .prepare(`
        SELECT a.unit_id, a.name, t.check_name, t.title FROM check_titles t
        JOIN agents a ON a.id = t.agent_id
        WHERE a.unit_id IN (SELECT value FROM json_each(?))`)
      .raw();
  }

  /** The titles of the units' checks: `title(unit, agent, check)` is null where none was given. */
  of(
    units: readonly string[],
  ): (unit: string, agent: string, check: string | null) => string | null {
    const found = new Map<string, string>();
    for (const [unit, agent, check, title] of this.#read.all(JSON.stringify(units)) as string[][]) {
      found.set(key(unit as string, agent as string, check as string), title as string);
    }
    return (unit, agent, check) =>
      check === null ? null : (found.get(key(unit, agent, check)) ?? null);
  }
}

function key(unit: string, agent: string, check: string): string {
  return `${unit}\u0000${agent}\u0000${check}`;
}
