// Inventories agents report (host hardware and software, SNMP identity and interfaces, TLS
// chains): the newest per check, when it was taken, and what changed since the one before. The
// change is worked out once, when an inventory is stored, and kept beside it.
import type { Statement } from "better-sqlite3";
import type { Db } from "../db/database.js";
import { changeCount, diffInventory, type InventoryDiff } from "./inventory-diff.js";

export interface InventoryItem {
  unit: string;
  agent: string;
  check: string;
  kind: string;
  /** When the agent took it. */
  ts: number;
  data: unknown;
  /** The inventory before it, as it stood when this one was stored (retention may have deleted it since). */
  previous: { ts: number } | null;
  /** Changes since `previous`; null for the first inventory of the check. */
  changes: InventoryDiff | null;
}

interface Row {
  unit: string;
  agent: string;
  check: string;
  kind: string;
  ts: number;
  data?: string;
  previousTs: number | null;
  changes: string | null;
}

/** Stores inventories with their change from the one before; runs inside the caller's transaction. */
export class InventoryWriter {
  readonly #insert: Statement;
  readonly #around: Statement;
  readonly #setDiff: Statement;

  constructor(db: Db) {
    this.#insert = db.prepare(
      "INSERT INTO inventory (agent_id, check_name, kind, ts, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    // The inventories just before and just after ts: the one to compare with, and the one whose
    // change must be worked out again when an older inventory arrives late.
    this.#around = db.prepare(`
      SELECT * FROM (SELECT 'before' AS side, ts, data FROM inventory
        WHERE agent_id = @agent AND check_name = @check AND ts < @ts ORDER BY ts DESC LIMIT 1)
      UNION ALL
      SELECT * FROM (SELECT 'after' AS side, ts, data FROM inventory
        WHERE agent_id = @agent AND check_name = @check AND ts > @ts ORDER BY ts LIMIT 1)`);
    this.#setDiff = db.prepare(SET_CHANGE);
  }

  /** Stores one inventory; one already stored for the same check and time is kept as it is. */
  write(agentId: number, check: string, kind: string, ts: number, data: unknown): void {
    const json = JSON.stringify(data);
    if (this.#insert.run(agentId, check, kind, ts, json).changes === 0) return;
    const rows = this.#around.all({ agent: agentId, check, ts }) as {
      side: "before" | "after";
      ts: number;
      data: string;
    }[];
    const before = rows.find((r) => r.side === "before");
    const after = rows.find((r) => r.side === "after");
    const stored = { ts, data: json, parsed: data };
    this.#setDiff.run(...storedChange(before, stored), agentId, check, ts);
    if (after) this.#setDiff.run(...storedChange(stored, after), agentId, check, after.ts);
  }
}

const SET_CHANGE = `
  UPDATE inventory SET previous_ts = ?, change_count = ?, changes = ?
  WHERE agent_id = ? AND check_name = ? AND ts = ?`;

/** previous_ts, change_count and changes of an inventory, given the one before it (if any). */
function changeColumns(
  previous: { ts: number; data: unknown } | undefined,
  data: unknown,
): [number | null, number | null, string | null] {
  if (!previous) return [null, null, null];
  const diff = diffInventory(previous.data, data);
  return [previous.ts, changeCount(diff), JSON.stringify(diff)];
}

/** The change columns of an unchanged inventory: an empty diff. */
const UNCHANGED = JSON.stringify(diffInventory(null, null));

/**
 * changeColumns of two inventories as stored (JSON text). One sent again exactly as it was (most
 * days) is neither parsed nor diffed.
 */
function storedChange(
  previous: { ts: number; data: string; parsed?: unknown } | undefined,
  next: { data: string; parsed?: unknown },
): [number | null, number | null, string | null] {
  if (previous?.data === next.data) return [previous.ts, 0, UNCHANGED];
  const parse = (item: { data: string; parsed?: unknown }) =>
    item.parsed === undefined ? (JSON.parse(item.data) as unknown) : item.parsed;
  return changeColumns(previous && { ts: previous.ts, data: parse(previous) }, parse(next));
}

export class InventoryReader {
  readonly #changes: Statement;

  constructor(private readonly db: Db) {
    this.#changes = db.prepare(`${SELECT} ${FROM}
      WHERE a.unit_id IN (SELECT value FROM json_each(?)) AND i.ts >= ? AND i.ts < ?
        AND (i.change_count IS NULL OR i.change_count > 0) ORDER BY i.ts`);
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
      .prepare(
        `${SELECT}, i.data ${FROM} WHERE ${where.join(" AND ")} ORDER BY a.unit_id, a.name, i.check_name`,
      )
      .all(params) as Row[];
    return rows.map(item);
  }

  /**
   * Every inventory the unit's agents took in [from, to) that differs from the one before (or is
   * the check's first), without the inventories themselves: `data` is undefined.
   */
  changes(unit: string, from: number, to: number): InventoryItem[] {
    return this.changesOfUnits([unit], from, to).get(unit) ?? [];
  }

  /** `changes` of several units, read in one query. */
  changesOfUnits(units: readonly string[], from: number, to: number): Map<string, InventoryItem[]> {
    const out = new Map<string, InventoryItem[]>(units.map((unit) => [unit, []]));
    const rows = this.#changes.all(JSON.stringify(units), from, to) as Row[];
    for (const row of rows) out.get(row.unit)?.push(item(row));
    return out;
  }
}

function item(row: Row): InventoryItem {
  return {
    unit: row.unit,
    agent: row.agent,
    check: row.check,
    kind: row.kind,
    ts: row.ts,
    data: row.data === undefined ? undefined : (JSON.parse(row.data) as unknown),
    previous: row.previousTs === null ? null : { ts: row.previousTs },
    changes: row.changes === null ? null : (JSON.parse(row.changes) as InventoryDiff),
  };
}

const SELECT = `
  SELECT a.unit_id AS unit, a.name AS agent, i.check_name AS "check", i.kind, i.ts,
    i.previous_ts AS previousTs, i.changes`;
const FROM = "FROM inventory i JOIN agents a ON a.id = i.agent_id";
