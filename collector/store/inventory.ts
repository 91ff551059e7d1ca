// Inventories agents report (host hardware and software, SNMP identity and interfaces, TLS
// chains): the newest per check, when it was taken, and what changed since the one before.
import type { Db } from "./database.js";
import { diffInventory, type InventoryDiff } from "./inventory-diff.js";

export interface InventoryItem {
  unit: string;
  agent: string;
  check: string;
  kind: string;
  /** When the agent took it. */
  ts: number;
  data: unknown;
  /** The inventory before it, if one is kept. */
  previous: { ts: number } | null;
  /** Changes since `previous`; null for the first inventory of the check. */
  changes: InventoryDiff | null;
}

interface Row {
  agentId: number;
  unit: string;
  agent: string;
  check: string;
  kind: string;
  ts: number;
  data: string;
}

export class InventoryReader {
  readonly #previous;

  constructor(private readonly db: Db) {
    this.#previous = db.prepare(`
      SELECT ts, data FROM inventory WHERE agent_id = ? AND check_name = ? AND ts < ?
      ORDER BY ts DESC LIMIT 1`);
  }

  /** The newest inventory of every check, optionally of one unit, agent or kind. */
  latest(filter: {
    unit?: string | undefined;
    agent?: string | undefined;
    kind?: string | undefined;
  }): InventoryItem[] {
    const where = [
      "i.ts = (SELECT max(ts) FROM inventory WHERE agent_id = i.agent_id AND check_name = i.check_name)",
    ];
    const params: Record<string, string> = {};
    for (const [key, column] of [
      ["unit", "a.unit_id"],
      ["agent", "a.name"],
      ["kind", "i.kind"],
    ] as const) {
      const value = filter[key];
      if (value !== undefined) {
        where.push(`${column} = @${key}`);
        params[key] = value;
      }
    }
    const rows = this.db
      .prepare(`${SELECT} WHERE ${where.join(" AND ")} ORDER BY a.unit_id, a.name, i.check_name`)
      .all(params) as Row[];
    return rows.map((row) => this.#item(row));
  }

  /** Every inventory the unit's agents took in [from, to) that differs from the one before. */
  changes(unit: string, from: number, to: number): InventoryItem[] {
    const rows = this.db
      .prepare(`${SELECT} WHERE a.unit_id = ? AND i.ts >= ? AND i.ts < ? ORDER BY i.ts`)
      .all(unit, from, to) as Row[];
    return rows
      .map((row) => this.#item(row))
      .filter((item) => item.changes === null || item.changes.changes.length > 0);
  }

  #item(row: Row): InventoryItem {
    const data = JSON.parse(row.data) as unknown;
    const previous = this.#previous.get(row.agentId, row.check, row.ts) as
      | { ts: number; data: string }
      | undefined;
    return {
      unit: row.unit,
      agent: row.agent,
      check: row.check,
      kind: row.kind,
      ts: row.ts,
      data,
      previous: previous ? { ts: previous.ts } : null,
      changes: previous ? diffInventory(JSON.parse(previous.data), data) : null,
    };
  }
}

const SELECT = `
  SELECT i.agent_id AS agentId, a.unit_id AS unit, a.name AS agent, i.check_name AS "check",
    i.kind, i.ts, i.data
  FROM inventory i JOIN agents a ON a.id = i.agent_id`;
