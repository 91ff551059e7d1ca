// A database written by the first release is brought up to date at start, and what it already
// holds is rolled up and compacted like new data.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../collector/db/database.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../collector/db/migrations.js";
import { History } from "../../../collector/inspection/history.js";
import { collectorConfigSchema } from "../../../shared/config/collector.js";
import { tempDir } from "../../helpers/processes.js";
import { rollupRows } from "../../helpers/rollups.js";
import { vn } from "../../helpers/store.js";

const dir = tempDir("giamsat-schema-");
afterAll(() => dir.remove());

describe("schema migrations", () => {
  it("upgrades a version 1 database and rolls up the samples it holds", () => {
    const file = join(dir.path, "v1.db");
    const old = new Database(file);
    old.exec(MIGRATIONS[0] as string);
    old.pragma("user_version = 1");
    old.exec(`
      INSERT INTO units (id, name, kind, updated_at) VALUES ('so-tttt', 'Sở', 'department', 0);
      INSERT INTO agents (id, unit_id, name, created_at, last_seen) VALUES (1, 'so-tttt', 'pc-01', 0, 1);
      INSERT INTO checks (agent_id, name, category, kind, first_seen) VALUES (1, 'gw', 'lan', 'ping', 0);
      INSERT INTO series (id, agent_id, metric, labels)
        VALUES (1, 1, 'giamsat_check_up', '{"category":"lan","check":"gw","kind":"ping"}');`);
    const insert = old.prepare("INSERT INTO samples (series_id, ts, value) VALUES (1, ?, ?)");
    // 10:00–11:00, down 10:30–10:45.
    for (let ts = vn("10:00:00"); ts < vn("11:00:00"); ts += 30_000) {
      insert.run(ts, ts >= vn("10:30:00") && ts < vn("10:45:00") ? 0 : 1);
    }
    old.close();

    const db = openDatabase(file);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const config = collectorConfigSchema.parse({});
    const history = new History(db, {
      retention: config.retention,
      incidents: config.incidents,
      startedAt: 0,
    });
    // As `serve` does at start: the stored results are followed for incidents once.
    history.catchUp(vn("14:00:00"));
    history.jobs.runUntilIdle(vn("14:00:00"));
    const hour = rollupRows(db, "rollup_1h").find(
      (row) => row.owner === 1 && row.bucket === vn("10:00:00") / 3_600_000,
    );
    expect(hour).toMatchObject({ count: 120, sum: 90, up: 45 * 60_000, observed: 60 * 60_000 });
    expect(db.prepare("SELECT count(*) FROM samples").pluck().get()).toBe(0);
    expect(db.prepare("SELECT sum(count) FROM chunks").pluck().get()).toBe(120);
    const incident = db
      .prepare("SELECT start_ts, end_ts FROM incidents WHERE kind = 'check'")
      .get();
    expect(incident).toEqual({ start_ts: vn("10:30:00"), end_ts: vn("10:45:00") });
    db.close();
  });
});
