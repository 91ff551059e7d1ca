// What schema migration 6 needs, frozen as it was when that migration shipped: working out the
// change of every stored inventory from the one before it. Never edit this file; the live diff
// (inspection/inventory-diff.ts) may change, and databases still to be migrated must get what
// migration 6 always gave.
import type { Db } from "./database.js";

interface InventoryChange {
  path: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

interface InventoryDiff {
  changes: InventoryChange[];
  counts: { added: number; removed: number; changed: number };
  truncated: boolean;
}

const ITEM_KEYS = ["name", "index", "iface", "serial", "subject"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function itemKey(list: readonly unknown[], other: readonly unknown[]): string | undefined {
  const all = [...list, ...other];
  if (all.length === 0 || !all.every(isRecord)) return undefined;
  for (const key of ITEM_KEYS) {
    const values = (items: readonly unknown[]) =>
      items.map((item) => (item as Record<string, unknown>)[key]);
    const ok = (items: readonly unknown[]) => {
      const seen = values(items);
      return (
        seen.every((v) => typeof v === "string" || typeof v === "number") &&
        new Set(seen).size === seen.length
      );
    };
    if (ok(list) && ok(other)) return key;
  }
  return undefined;
}

function diffInventory(before: unknown, after: unknown, limit = 200): InventoryDiff {
  const out: InventoryDiff = {
    changes: [],
    counts: { added: 0, removed: 0, changed: 0 },
    truncated: false,
  };
  const record = (change: InventoryChange) => {
    out.counts[change.change]++;
    if (out.changes.length < limit) out.changes.push(change);
    else out.truncated = true;
  };
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isRecord(a) && isRecord(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const key of keys) {
        const next = path ? `${path}.${key}` : key;
        if (!(key in a)) record({ path: next, change: "added", after: b[key] });
        else if (!(key in b)) record({ path: next, change: "removed", before: a[key] });
        else walk(a[key], b[key], next);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const key = itemKey(a, b);
      if (key !== undefined) {
        const byKey = (items: unknown[]) =>
          new Map(items.map((item) => [String((item as Record<string, unknown>)[key]), item]));
        const old = byKey(a);
        const fresh = byKey(b);
        const names = [...new Set([...old.keys(), ...fresh.keys()])].sort();
        for (const name of names) {
          const previous = old.get(name);
          const item = fresh.get(name);
          const at = `${path}[${name}]`;
          if (item === undefined) record({ path: at, change: "removed", before: previous });
          else if (previous === undefined) record({ path: at, change: "added", after: item });
          else walk(previous, item, at);
        }
        return;
      }
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      record({ path, change: "changed", before: a, after: b });
    }
  };
  walk(before, after, "");
  return out;
}

/** The change of every stored inventory from the one before it, into the columns migration 6 adds. */
export function diffStoredInventories(db: Db): void {
  const rows = db
    .prepare(
      'SELECT agent_id AS agent, check_name AS "check", ts, data FROM inventory ORDER BY agent_id, check_name, ts',
    )
    .iterate() as IterableIterator<{ agent: number; check: string; ts: number; data: string }>;
  const set = db.prepare(`
    UPDATE inventory SET previous_ts = ?, change_count = ?, changes = ?
    WHERE agent_id = ? AND check_name = ? AND ts = ?`);
  const updates: unknown[][] = [];
  let previous: { agent: number; check: string; ts: number; data: unknown } | undefined;
  for (const row of rows) {
    const data = JSON.parse(row.data) as unknown;
    if (previous && previous.agent === row.agent && previous.check === row.check) {
      const diff = diffInventory(previous.data, data);
      const count = diff.counts.added + diff.counts.removed + diff.counts.changed;
      updates.push([previous.ts, count, JSON.stringify(diff), row.agent, row.check, row.ts]);
    }
    previous = { agent: row.agent, check: row.check, ts: row.ts, data };
  }
  // Written after reading: an UPDATE while iterating the same table is refused.
  for (const update of updates) set.run(...update);
}
