// Schema 18: check series' rollups by local day, 64 days to a chunk as a scope's days are, so a
// month's time of a check is about 30 buckets instead of 720 hours (tsdb/series-days.ts). A
// database holding hourly rollups already gets its days made from them in the background, series
// by series; until then queries read the hours. Frozen: a later change is a new migration.
import type { Db } from "./database.js";

export function migration18(db: Db): void {
  db.exec("CREATE TABLE rollup_1d_chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
  // Hours in chunks, or the rows of a release before chunks still to be moved (migration-12.ts).
  const hours =
    db.prepare("SELECT 1 FROM rollup_1h_chunks LIMIT 1").get() !== undefined ||
    db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'rollup_1h'").get() !== undefined;
  // The series id after which days are still to be made from hours (tsdb/series-days.ts).
  if (hours) db.exec("INSERT INTO maintenance_state (job, value) VALUES ('series_days_after', 0)");
}
