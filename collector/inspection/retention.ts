// The application's rows that retention deletes after the engine's own: failed results, batch
// receipts and inventories of each agent, and incidents long over. An inventory is kept past
// retention while it is the newest of its check, or the one before it (what the newest is
// compared with).
import type { Db } from "../db/database.js";
import { pageOf, type RetentionPhases } from "../tsdb/index.js";

export function recordRetention(db: Db): RetentionPhases {
  const agents = pageOf(db, "SELECT id FROM agents WHERE id > ? ORDER BY id");
  const checks = db.prepare("SELECT name FROM checks WHERE agent_id = ?").pluck();
  const failures = db.prepare(
    "DELETE FROM failures WHERE agent_id = ? AND check_name = ? AND ts < ?",
  );
  const batches = db.prepare(`
    DELETE FROM batches WHERE agent_id = @agent AND seq < ifnull(
      (SELECT seq FROM batches WHERE agent_id = @agent AND received_at >= @before ORDER BY seq LIMIT 1),
      (SELECT max(seq) FROM batches WHERE agent_id = @agent))`);
  const inventory = db.prepare(`
    DELETE FROM inventory WHERE agent_id = @agent AND ts < @before AND ts < (
      SELECT ts FROM inventory i WHERE i.agent_id = inventory.agent_id
        AND i.check_name = inventory.check_name ORDER BY ts DESC LIMIT 1 OFFSET 1)`);
  const incidents = db.prepare(`
    DELETE FROM incidents WHERE id IN (
      SELECT id FROM incidents WHERE start_ts < @before AND end_ts < @before LIMIT 256)`);

  return ({ raw, hourly }) => {
    let removedIncidents = 0;
    return [
      {
        next: agents,
        remove: (id) => {
          for (const name of checks.all(id) as string[]) failures.run(id, name, raw);
          batches.run({ agent: id, before: raw });
          inventory.run({ agent: id, before: hourly });
        },
      },
      {
        // 256 incidents a visit, until a visit finds none.
        next: (after) => (after < 0 || removedIncidents > 0 ? [after + 1] : []),
        remove: () => {
          removedIncidents = incidents.run({ before: hourly }).changes;
        },
      },
    ];
  };
}
