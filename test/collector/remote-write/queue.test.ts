// The SQLite send queue on its own: queued by the storing transaction (and gone with its
// rollback), per-endpoint progress across restarts, counted drops, endpoints added and removed.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../../collector/db/database.js";
import { RemoteWriteQueue } from "../../../collector/remote-write/queue.js";
import { silentLogger } from "../../../shared/log.js";
import { tempDir } from "../../helpers/processes.js";

let dirs: { path: string; remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs) dir.remove();
  dirs = [];
});

function database(): { db: Db; file: string } {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir.path, "collector.db");
  return { db: openDatabase(file), file };
}

const rows = (db: Db) => db.prepare("SELECT count(*) FROM remote_write_queue").pluck().get();
const never = new AbortController().signal;

describe("remote write queue", () => {
  it("keeps what the storing transaction queued, and nothing of one that rolled back", () => {
    const { db } = database();
    const queue = new RemoteWriteQueue(db, ["vm"], silentLogger());
    db.transaction(() => {
      queue.enqueue(1, 1000, 1);
      queue.enqueue(1, 2000, 2);
    })();
    expect(() =>
      db.transaction(() => {
        queue.enqueue(1, 3000, 3);
        throw new Error("disk full");
      })(),
    ).toThrow("disk full");
    queue.enqueue(2, 4000, 4);
    const { rows: read, lastId } = queue.read("vm", 10);
    expect(read.map(([, seriesId, ts, value]) => [seriesId, ts, value])).toEqual([
      [1, 1000, 1],
      [1, 2000, 2],
      [2, 4000, 4],
    ]);
    // The id of the rolled-back row counts as waiting until the sender passes it.
    expect(queue.queued("vm")).toBe(4);
    queue.done("vm", lastId);
    expect(queue.queued("vm")).toBe(0);
    expect(rows(db)).toBe(0);
  });

  it("remembers each endpoint's progress across a restart and deletes rows only all have sent", () => {
    const { db, file } = database();
    const first = new RemoteWriteQueue(db, ["a", "b"], silentLogger());
    for (let i = 1; i <= 10; i++) first.enqueue(1, i * 1000, i);
    first.done("a", 10);
    first.done("b", 4);
    expect(rows(db)).toBe(6);
    db.close();

    const again = openDatabase(file);
    const second = new RemoteWriteQueue(again, ["a", "b"], silentLogger());
    expect(second.queued("a")).toBe(0);
    expect(second.queued("b")).toBe(6);
    expect(second.read("b", 100).rows.map(([, , , value]) => value)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(second.oldestTs("b")).toBe(5000);
    // New ids go on above the old ones, never below an endpoint's progress.
    second.enqueue(1, 11_000, 11);
    expect(second.read("a", 100).rows.map(([, , , value]) => value)).toEqual([11]);
    again.close();
  });

  it("drops the oldest past the cap and counts exactly the rows dropped", () => {
    const { db } = database();
    const queue = new RemoteWriteQueue(db, ["vm"], silentLogger());
    for (let i = 1; i <= 2500; i++) queue.enqueue(1, i, i);
    expect(queue.cap("vm", 1000)).toBe(1500);
    expect(queue.queued("vm")).toBe(1000);
    expect(queue.read("vm", 1).rows[0]?.[3]).toBe(1501);
    expect(queue.cap("vm", 1000)).toBe(0);
  });

  it("starts a new endpoint at what is stored from then on, and forgets a removed one's queue", () => {
    const { db, file } = database();
    const old = new RemoteWriteQueue(db, ["old"], silentLogger());
    for (let i = 1; i <= 5; i++) old.enqueue(1, i, i);
    db.close();

    const again = openDatabase(file);
    const warnings: unknown[] = [];
    const log = silentLogger();
    log.warn = ((fields: unknown) => warnings.push(fields)) as typeof log.warn;
    const queue = new RemoteWriteQueue(again, ["new"], log);
    expect(warnings).toEqual([{ endpoint: "old", samples: 5 }]);
    expect(queue.queued("new")).toBe(0);
    while (queue.trim()) {
      // one bounded step at a time
    }
    expect(rows(again)).toBe(0);
    queue.enqueue(2, 6, 6);
    expect(queue.read("new", 10).rows.map(([, , , value]) => value)).toEqual([6]);
    again.close();
  });

  it("wakes a waiting sender once enough samples are queued, or at its deadline", async () => {
    const { db } = database();
    const queue = new RemoteWriteQueue(db, ["vm"], silentLogger());
    const started = Date.now();
    const woken = queue.waitFor(3, 5000, never);
    for (let i = 1; i <= 3; i++) queue.enqueue(1, i, i);
    await woken;
    expect(Date.now() - started).toBeLessThan(1000);
    const deadline = Date.now();
    await queue.waitFor(100, 150, never);
    expect(Date.now() - deadline).toBeGreaterThanOrEqual(140);
    db.close();
  });
});
