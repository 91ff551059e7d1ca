// Schema 19 keeps each check's latest stretch of failures. A parent down when the collector is
// upgraded has none kept yet: its children's failures are still its own after the upgrade, not
// incidents of theirs.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../collector/db/database.js";
import {
  MIGRATION_PARENT_TIMES,
  PARENT_TIMES_SCHEMA_VERSION,
} from "../../../collector/db/migration-19.js";
import { MIGRATIONS } from "../../../collector/db/migrations.js";
import { Incidents } from "../../../collector/inspection/incidents.js";
import { collectorConfigSchema } from "../../../shared/config/collector.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir("giamsat-parent-times-");
afterAll(() => dir.remove());

const SEC = 1000;
const GATEWAY = 1;
const PORTAL = 2;

describe("the parent times migration", () => {
  it("keeps a parent down at the upgrade down for its children's failures", () => {
    const file = join(dir.path, "before.db");
    const before = PARENT_TIMES_SCHEMA_VERSION - 1;
    expect(MIGRATIONS[before]).toBe(MIGRATION_PARENT_TIMES);
    const old = new Database(file);
    for (const step of MIGRATIONS.slice(0, before)) {
      if (typeof step === "string") old.exec(step);
      else step(old);
    }
    old.pragma(`user_version = ${before}`);
    // The gateway's incident open, its latest result a failure at t.
    const t = 1_000_000 * SEC;
    old.exec(`
      INSERT INTO incidents (id, kind, unit_id, agent_id, series_id, check_name, category, start_ts, reason)
        VALUES (7, 'check', 'so-tttt', 1, ${GATEWAY}, 'gateway', 'lan', ${t - 60 * SEC}, 'timeout');
      INSERT INTO incident_state (series_id, processed_ts, down, run, run_start, incident_id)
        VALUES (${GATEWAY}, ${t}, 1, 0, NULL, 7);`);
    old.close();

    const db = openDatabase(file);
    const incidents = new Incidents(
      db,
      collectorConfigSchema.parse({}).incidents,
      0,
      undefined,
      () => false,
      (check) => (check.id === PORTAL ? [GATEWAY] : []),
    );
    const portal = {
      id: PORTAL,
      agentId: 1,
      unit: "so-tttt",
      check: "portal",
      category: "website",
    };
    db.transaction(() => {
      for (const ts of [t + 10 * SEC, t + 20 * SEC, t + 30 * SEC]) {
        incidents.result(portal, ts, false, "timeout");
      }
    })();
    const open = db.prepare("SELECT series_id FROM incidents WHERE end_ts IS NULL").pluck().all();
    expect(open).toEqual([GATEWAY]);
    const dependent = db
      .prepare("SELECT series_id, parent_series_id, start_ts FROM dependent_failures")
      .all();
    expect(dependent).toEqual([
      { series_id: PORTAL, parent_series_id: GATEWAY, start_ts: t + 10 * SEC },
    ]);
    db.close();
  });
});
