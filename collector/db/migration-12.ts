// Schema 12: rollups in compressed chunks, a row per owner and span of local days (a day of 5-minute
// buckets, eight days of hours, 64 days of days), id = owner * 2^21 + span number. The rows of
// the tables before are moved into them by the engine in the background, a few spans per step
// (tsdb/layout-upgrade.ts), and those tables dropped once empty; a database without any rollup
// rows (a new one) drops them here. And raw samples of whole UTC days, merged from their 2-hour
// chunks once the day is over (tsdb/day-merge.ts): id = series_id * 2^21 + day number. Frozen: a
// later change is a new migration.
import type { Db } from "./database.js";

export function migration12(db: Db): void {
  db.exec(
    "CREATE TABLE day_chunks (id INTEGER PRIMARY KEY, count INTEGER NOT NULL, data BLOB NOT NULL)",
  );
  for (const name of ["rollup_5m", "rollup_1h", "scope_5m", "scope_1h", "scope_1d"]) {
    db.exec(`CREATE TABLE ${name}_chunks (id INTEGER PRIMARY KEY, data BLOB NOT NULL)`);
  }
  const old = ["rollup_5m", "rollup_1h", "scope_5m", "scope_1h", "scope_1d"];
  if (old.every((name) => db.prepare(`SELECT 1 FROM ${name} LIMIT 1`).get() === undefined)) {
    for (const name of old) db.exec(`DROP TABLE ${name}`);
  }
}
