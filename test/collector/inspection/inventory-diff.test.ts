// Differences between two inventories: named items compared one by one, the rest as values.
import { describe, expect, it } from "vitest";
import { diffInventory } from "../../../collector/inspection/inventory-diff.js";

describe("inventory differences", () => {
  it("names added, removed and changed interfaces of an SNMP device by their name", () => {
    const before = {
      sysName: "core-sw",
      interfaces: [
        { index: 1, name: "Gi0/1", status: "up" },
        { index: 2, name: "Gi0/2", status: "up" },
      ],
    };
    const after = {
      sysName: "core-sw-01",
      interfaces: [
        { index: 1, name: "Gi0/1", status: "down" },
        { index: 3, name: "Gi0/3", status: "up" },
      ],
    };
    expect(diffInventory(before, after)).toEqual({
      changes: [
        { path: "interfaces[Gi0/1].status", change: "changed", before: "up", after: "down" },
        {
          path: "interfaces[Gi0/2]",
          change: "removed",
          before: { index: 2, name: "Gi0/2", status: "up" },
        },
        {
          path: "interfaces[Gi0/3]",
          change: "added",
          after: { index: 3, name: "Gi0/3", status: "up" },
        },
        { path: "sysName", change: "changed", before: "core-sw", after: "core-sw-01" },
      ],
      counts: { added: 1, removed: 1, changed: 2 },
      truncated: false,
    });
  });

  it("compares lists without names as whole values, and new or dropped keys as such", () => {
    expect(
      diffInventory({ dns: ["10.0.0.1"], old: 1 }, { dns: ["10.0.0.2"], cpu: { cores: 4 } })
        .changes,
    ).toEqual([
      { path: "cpu", change: "added", after: { cores: 4 } },
      { path: "dns", change: "changed", before: ["10.0.0.1"], after: ["10.0.0.2"] },
      { path: "old", change: "removed", before: 1 },
    ]);
    expect(diffInventory({ a: 1 }, { a: 1 }).changes).toEqual([]);
  });

  it("lists at most `limit` changes but counts them all", () => {
    const packages = (n: number, version: string) =>
      Array.from({ length: n }, (_, i) => ({ name: `p${String(i).padStart(4, "0")}`, version }));
    const diff = diffInventory(
      { packages: packages(500, "1") },
      { packages: packages(500, "2") },
      200,
    );
    expect(diff.changes).toHaveLength(200);
    expect(diff.counts.changed).toBe(500);
    expect(diff.truncated).toBe(true);
  });
});
