// What changed between two inventories of the same check: software installed or upgraded,
// interfaces added, memory or OS changed. Lists whose items have a name (packages, interfaces,
// disks) are compared item by item, so one new package is one change, not a changed list.

export interface InventoryChange {
  /** Where, e.g. "os.release", "software.packages[openssl].version", "interfaces[Gi0/1]". */
  path: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

export interface InventoryDiff {
  changes: InventoryChange[];
  counts: { added: number; removed: number; changed: number };
  /** More changes than were listed. */
  truncated: boolean;
}

/** How many changes a diff counts, listed or not. */
export function changeCount(diff: InventoryDiff): number {
  return diff.counts.added + diff.counts.removed + diff.counts.changed;
}

/** Fields that name an item of a list, tried in this order. */
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

export function diffInventory(before: unknown, after: unknown, limit = 200): InventoryDiff {
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
        // Item by item, in name order, so a report reads like a sorted list.
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
