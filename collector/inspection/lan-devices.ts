// What discovery runs saw come and go on a unit's LAN in a period, for its summary: devices first
// seen then, and devices gone then (the first finished run after they were last seen missed them,
// and the newest finished run has not found them again). Ignored devices are left out.
import type { Db } from "../db/database.js";

export function lanDeviceChanges(
  db: Db,
  unit: string,
  from: number,
  to: number,
): { appeared: number; gone: number } {
  const appeared = db
    .prepare(
      `SELECT count(*) AS n FROM discovered_devices
       WHERE unit_id = ? AND first_seen >= ? AND first_seen < ? AND decision IS NOT 'ignored'`,
    )
    .get(unit, from, to) as { n: number };
  const gone = db
    .prepare(
      `WITH newest AS (
         SELECT max(id) AS id FROM discovery_runs WHERE unit_id = ? AND state = 'done'
       )
       SELECT count(*) AS n FROM discovered_devices d, newest
       WHERE d.unit_id = ? AND d.decision IS NOT 'ignored' AND d.last_run <> newest.id
         AND (SELECT min(finished_at) FROM discovery_runs r
              WHERE r.unit_id = d.unit_id AND r.state = 'done' AND r.finished_at > d.last_seen)
             BETWEEN ? AND ?`,
    )
    .get(unit, unit, from, to - 1) as { n: number };
  return { appeared: appeared.n, gone: gone.n };
}
