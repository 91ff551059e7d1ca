// What changed between a check's inventories is worked out when one is stored: in order, when an
// older one arrives late, after the one before is deleted, and for databases from before it was kept.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { openDatabase } from "../../../collector/db/database.js";
import { MIGRATIONS } from "../../../collector/db/migrations.js";
import { InventoryReader } from "../../../collector/inspection/inventory.js";
import { tempDir } from "../../helpers/processes.js";
import { type TestStore, testStore, vn } from "../../helpers/store.js";

const host = (openssl: string, memoryGiB = 16) => ({
  memoryBytes: memoryGiB * 2 ** 30,
  software: {
    packages: [
      { name: "nginx", version: "1.22.1" },
      { name: "openssl", version: openssl },
    ],
  },
});

/** The unit's listed changes as [time, time of the one before, paths changed]. */
function listed(store: TestStore, from = 0, to = vn("23:00:00")) {
  return new InventoryReader(store.db)
    .changes("so-tttt", from, to)
    .map((item) => [
      item.ts,
      item.previous?.ts ?? null,
      item.changes?.changes.map((c) => `${c.path} ${c.change}`) ?? null,
    ]);
}

const opened: TestStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});
function open(): TestStore {
  const store = testStore();
  opened.push(store);
  return store;
}

describe("inventory changes", () => {
  it("lists a check's first inventory and each one that differs from the one before", () => {
    const store = open();
    const pc = store.agent("so-tttt", "pc-01");
    for (const [time, data] of [
      ["08:00:00", host("3.0.1")],
      ["09:00:00", host("3.0.1")],
      ["10:00:00", host("3.0.2")],
    ] as const) {
      store.write(pc, [], [], [{ check: "host", kind: "host", ts: vn(time), data }]);
    }
    expect(listed(store)).toEqual([
      [vn("08:00:00"), null, null],
      [vn("10:00:00"), vn("09:00:00"), ["software.packages[openssl].version changed"]],
    ]);
    // The newest, with its data and change, as the inventory API gives it.
    const [latest] = new InventoryReader(store.db).latest({ unit: "so-tttt" });
    expect(latest?.data).toEqual(host("3.0.2"));
    expect(latest?.changes?.counts).toEqual({ added: 0, removed: 0, changed: 1 });
  });

  it("works the change out again when an older inventory arrives after a newer one", () => {
    const store = open();
    const pc = store.agent("so-tttt", "pc-01");
    const write = (time: string, data: Record<string, unknown>) =>
      store.write(pc, [], [], [{ check: "host", kind: "host", ts: vn(time), data }]);
    write("08:00:00", host("3.0.1"));
    write("10:00:00", host("3.0.2", 32));
    // 09:00 comes late (held back by the agent, or its clock corrected).
    write("09:00:00", host("3.0.2"));
    expect(listed(store)).toEqual([
      [vn("08:00:00"), null, null],
      [vn("09:00:00"), vn("08:00:00"), ["software.packages[openssl].version changed"]],
      [vn("10:00:00"), vn("09:00:00"), ["memoryBytes changed"]],
    ]);
  });

  it("keeps a change after the inventory before it is deleted", () => {
    const store = open();
    const pc = store.agent("so-tttt", "pc-01");
    store.write(pc, [], [], [{ check: "host", kind: "host", ts: vn("08:00:00"), data: host("1") }]);
    store.write(pc, [], [], [{ check: "host", kind: "host", ts: vn("10:00:00"), data: host("2") }]);
    store.db.prepare("DELETE FROM inventory WHERE ts = ?").run(vn("08:00:00"));
    expect(listed(store)).toEqual([
      [vn("10:00:00"), vn("08:00:00"), ["software.packages[openssl].version changed"]],
    ]);
  });

  it("works out the changes of inventories stored before they were kept (schema 6)", () => {
    const dir = tempDir("giamsat-inventory-");
    onTestFinished(() => dir.remove());
    const file = join(dir.path, "v5.db");
    const old = new Database(file);
    for (const step of MIGRATIONS.slice(0, 5)) old.exec(step as string);
    old.pragma("user_version = 5");
    old.exec(`
      INSERT INTO units (id, name, kind, updated_at) VALUES ('so-tttt', 'Sở', 'department', 0);
      INSERT INTO agents (id, unit_id, name, created_at, last_seen) VALUES (1, 'so-tttt', 'pc-01', 0, 1);`);
    const insert = old.prepare(
      "INSERT INTO inventory (agent_id, check_name, kind, ts, data) VALUES (1, ?, ?, ?, ?)",
    );
    insert.run("host", "host", vn("08:00:00"), JSON.stringify(host("3.0.1")));
    insert.run("host", "host", vn("09:00:00"), JSON.stringify(host("3.0.1", 8)));
    insert.run("core-switch", "snmp", vn("08:30:00"), JSON.stringify({ sysName: "sw-1" }));
    insert.run("core-switch", "snmp", vn("09:30:00"), JSON.stringify({ sysName: "sw-1" }));
    old.close();

    const db = openDatabase(file);
    const changes = new InventoryReader(db).changes("so-tttt", 0, vn("23:00:00"));
    expect(
      changes.map((c) => [
        c.check,
        c.ts,
        c.previous?.ts ?? null,
        c.changes?.changes.length ?? null,
      ]),
    ).toEqual([
      ["host", vn("08:00:00"), null, null],
      ["core-switch", vn("08:30:00"), null, null],
      ["host", vn("09:00:00"), vn("08:00:00"), 1],
    ]);
    db.close();
  });
});
