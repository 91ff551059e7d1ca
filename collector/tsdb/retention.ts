// Deletes what is older than the configured retention, one series (or scope, check, agent) at a
// time in short transactions. Every delete is a range of a primary key, so a step costs what it
// removes. No VACUUM: SQLite reuses the freed pages for new data, and the file stops growing.
import type { RetentionConfig } from "../../shared/config/collector.js";
import type { Db } from "../db/database.js";
import { bucketOf, DAY_LEVEL, FIVE_MINUTE_LEVEL, HOUR_LEVEL } from "./buckets.js";
import type { Job } from "./jobs.js";
import { chunkId, windowOf } from "./sample-reader.js";

/** How often a pass starts. */
export const RETENTION_EVERY_MS = 10 * 60_000;
const STEP_MS = 5;

interface Phase {
  /** Keys to visit after `after`, in order. */
  next: (after: number) => number[];
  remove: (key: number) => void;
}

export interface RetentionPass {
  /** Time the pass spent in its steps, and its longest step, in ms. */
  busyMs: number;
  longestStepMs: number;
  steps: number;
}

export class Retention implements Job {
  readonly name = "retention";
  readonly #db: Db;
  readonly #phases: (now: number) => Phase[];
  #pass: { phases: Phase[]; phase: number; after: number; stats: RetentionPass } | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** The last finished pass. */
  last: RetentionPass | undefined;

  constructor(db: Db, retention: RetentionConfig) {
    this.#db = db;
    const page = (sql: string) => db.prepare(`${sql} LIMIT 64`).pluck();
    const series = page("SELECT id FROM series WHERE id > ? ORDER BY id");
    const scopes = page("SELECT id FROM scopes WHERE id > ? ORDER BY id");
    const agents = page("SELECT id FROM agents WHERE id > ? ORDER BY id");
    const chunks = db.prepare("DELETE FROM chunks WHERE id >= ? AND id < ?");
    const fiveMinute = db.prepare("DELETE FROM rollup_5m WHERE series_id = ? AND bucket < ?");
    const hourly = db.prepare("DELETE FROM rollup_1h WHERE series_id = ? AND bucket < ?");
    const scope5m = db.prepare("DELETE FROM scope_5m WHERE scope_id = ? AND bucket < ?");
    const scope1h = db.prepare("DELETE FROM scope_1h WHERE scope_id = ? AND bucket < ?");
    const scope1d = db.prepare("DELETE FROM scope_1d WHERE scope_id = ? AND bucket < ?");
    const head = db.prepare("DELETE FROM samples WHERE agent_id = ? AND ts < ?");
    const checks = db.prepare("SELECT name FROM checks WHERE agent_id = ?").pluck();
    const failures = db.prepare(
      "DELETE FROM failures WHERE agent_id = ? AND check_name = ? AND ts < ?",
    );
    const batches = db.prepare(`
      DELETE FROM batches WHERE agent_id = @agent AND seq < ifnull(
        (SELECT seq FROM batches WHERE agent_id = @agent AND received_at >= @before ORDER BY seq LIMIT 1),
        (SELECT max(seq) FROM batches WHERE agent_id = @agent))`);
    // An inventory is kept past retention while it is the newest of its check, or the one before
    // it (what the newest is compared with).
    const inventory = db.prepare(`
      DELETE FROM inventory WHERE agent_id = @agent AND ts < @before AND ts < (
        SELECT ts FROM inventory i WHERE i.agent_id = inventory.agent_id
          AND i.check_name = inventory.check_name ORDER BY ts DESC LIMIT 1 OFFSET 1)`);
    const incidents = db.prepare(`
      DELETE FROM incidents WHERE id IN (
        SELECT id FROM incidents WHERE start_ts < @before AND end_ts < @before LIMIT 256)`);
    let removedIncidents = 0;

    this.#phases = (now) => {
      const raw = now - retention.raw;
      const five = now - retention.fiveMinute;
      const hour = now - retention.hourly;
      return [
        {
          next: (after) => series.all(after) as number[],
          remove: (id) => {
            // Whole chunks only: a window is dropped once all of it is past retention.
            chunks.run(chunkId(id, 0), chunkId(id, windowOf(raw)));
            fiveMinute.run(id, bucketOf(FIVE_MINUTE_LEVEL, five));
            hourly.run(id, bucketOf(HOUR_LEVEL, hour));
          },
        },
        {
          next: (after) => scopes.all(after) as number[],
          remove: (id) => {
            scope5m.run(id, bucketOf(FIVE_MINUTE_LEVEL, five));
            scope1h.run(id, bucketOf(HOUR_LEVEL, hour));
            scope1d.run(id, bucketOf(DAY_LEVEL, hour));
          },
        },
        {
          next: (after) => agents.all(after) as number[],
          remove: (id) => {
            // Head rows this old are late arrivals that compaction has not reached yet.
            head.run(id, raw);
            for (const name of checks.all(id) as string[]) failures.run(id, name, raw);
            batches.run({ agent: id, before: raw });
            inventory.run({ agent: id, before: hour });
          },
        },
        {
          // 256 incidents a visit, until a visit finds none.
          next: (after) => (after < 0 || removedIncidents > 0 ? [after + 1] : []),
          remove: () => {
            removedIncidents = incidents.run({ before: hour }).changes;
          },
        },
      ];
    };
  }

  step(now: number): boolean {
    if (!this.#pass) {
      if (now - this.#lastStart < RETENTION_EVERY_MS) return false;
      this.#lastStart = now;
      const stats = { busyMs: 0, longestStepMs: 0, steps: 0 };
      this.#pass = { phases: this.#phases(now), phase: 0, after: -1, stats };
    }
    const pass = this.#pass;
    const started = performance.now();
    const until = started + STEP_MS;
    this.#db.transaction(() => {
      while (pass.phase < pass.phases.length && performance.now() < until) {
        const phase = pass.phases[pass.phase] as Phase;
        const keys = phase.next(pass.after);
        if (keys.length === 0) {
          pass.phase++;
          pass.after = -1;
          continue;
        }
        for (const key of keys) {
          phase.remove(key);
          pass.after = key;
          if (performance.now() >= until) break;
        }
      }
    })();
    const took = performance.now() - started;
    pass.stats.busyMs += took;
    pass.stats.steps++;
    pass.stats.longestStepMs = Math.max(pass.stats.longestStepMs, took);
    if (pass.phase >= pass.phases.length) {
      this.last = pass.stats;
      this.#pass = undefined;
    }
    return true;
  }
}
