// What changed in a host or network device between two inventories, said in words: "Memory: 8 GiB
// → 16 GiB", "openssl: 3.0.11 → 3.0.13", "installed curl 7.88.1". Paths the catalogue has no word
// for are said as they are, so no change is hidden.
import type { InventoryChange, InventoryDiff } from "../../inspection/inventory-diff.js";
import type { Formatter } from "./i18n/index.js";

function value(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "object") {
    const named = v as { name?: unknown; version?: unknown };
    if (typeof named.name === "string") {
      return typeof named.version === "string" ? `${named.name} ${named.version}` : named.name;
    }
    return JSON.stringify(v).slice(0, 80);
  }
  return String(v);
}

/** Changes a list of changes leaves out: counts that only repeat the items' own changes. */
const UNSAID = new Set(["software.total", "software.truncated"]);

export function sayChange(f: Formatter, change: InventoryChange): string {
  const { t } = f;
  const words = t.changes;
  const arrow = (label: string, before: string, after: string) => `${label}: ${before} → ${after}`;
  const item = /^(?:software\.packages|interfaces|disks)\[([^\]]+)\](?:\.(\w+))?$/.exec(
    change.path,
  );
  if (item) {
    const [, name = "", field] = item;
    const isInterface = change.path.startsWith("interfaces");
    const what = isInterface ? `${t.unit.interfaces} ${name}` : name;
    if (field === undefined || change.change !== "changed") {
      if (change.change === "added") return words.added(isInterface ? what : value(change.after));
      if (change.change === "removed")
        return words.removed(isInterface ? what : value(change.before));
    }
    return arrow(
      field === "version" ? what : `${what} (${field})`,
      value(change.before),
      value(change.after),
    );
  }
  const label =
    change.path === "memoryBytes"
      ? words.memory
      : change.path.startsWith("os.")
        ? words.os
        : change.path.startsWith("cpu.")
          ? words.cpu
          : change.path.startsWith("system.")
            ? words.machine
            : change.path;
  const show = (v: unknown) =>
    change.path === "memoryBytes" && typeof v === "number" ? f.bytes(v) : value(v);
  if (change.change === "added") return `${label}: ${show(change.after)}`;
  if (change.change === "removed") return words.removed(`${label} ${show(change.before)}`);
  return arrow(label, show(change.before), show(change.after));
}

/** At most `limit` changes in words, then how many more there are. */
export function sayChanges(f: Formatter, diff: InventoryDiff, limit: number): string[] {
  const said = diff.changes.filter((c) => !UNSAID.has(c.path));
  const total =
    diff.counts.added +
    diff.counts.removed +
    diff.counts.changed -
    (diff.changes.length - said.length);
  const out = said.slice(0, limit).map((c) => sayChange(f, c));
  if (total > out.length) out.push(f.t.changes.more(total - out.length));
  return out;
}
