// Deletes what is older than the configured retention, one series (or scope, agent) at a time in
// short transactions, then the application's own old rows (phases it hands in). Every delete is a
// range of a primary key, so a step costs what it removes. Chunks go whole, once all of their
// window or span is past retention: raw chunks by 2 hours or by UTC day once merged, 5-minute
// rollups by local day, hourly ones by 8 days, daily ones by 64. No VACUUM: SQLite reuses the freed pages for new data, and the
// file stops growing.
import type { RetentionConfig } from "../../shared/config/collector.js";
import { bucketOf, FIVE_MINUTE_LEVEL, type Level } from "./buckets.js";
import { chunkId, dayOf, windowOf } from "./chunk-ids.js";
import type { Job } from "./jobs.js";
import { LEGACY_TABLES, type LegacyRollups } from "./legacy-rollups.js";
import type { RollupChunks } from "./rollup-chunks.js";
import { ROLLUP_TABLES, spanOf } from "./rollup-tables.js";
import type { Db } from "./sqlite.js";

/** How often a pass starts. */
export const RETENTION_EVERY_MS = 10 * 60_000;
const STEP_MS = 5;

/** One kind of rows to delete: keys visited in order, the old rows of each removed in one call. */
export interface RetentionPhase {
  /** Keys to visit after `after`, in order. */
  next: (after: number) => number[];
  remove: (key: number) => void;
}

/** Times before which rows go: raw samples, 5-minute and hourly rollups. */
export interface RetentionCutoffs {
  raw: number;
  fiveMinute: number;
  hourly: number;
}

/** Phases for the application's own rows, made afresh for each pass. */
export type RetentionPhases = (cutoffs: RetentionCutoffs) => RetentionPhase[];

/** A pager over a table's integer ids, 64 at a time. */
export function pageOf(db: Db, sql: string): (after: number) => number[] {
  const statement = db.prepare(`${sql} LIMIT 64`).pluck();
  return (after) => statement.all(after) as number[];
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
  readonly #phases: (now: number) => RetentionPhase[];
  #pass:
    | { phases: RetentionPhase[]; phase: number; after: number; stats: RetentionPass }
    | undefined;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** The last finished pass. */
  last: RetentionPass | undefined;

  constructor(
    db: Db,
    retention: RetentionConfig,
    rollups: RollupChunks,
    legacy: LegacyRollups,
    more: RetentionPhases = () => [],
  ) {
    this.#db = db;
    const series = pageOf(db, "SELECT id FROM series WHERE id > ? ORDER BY id");
    const scopes = pageOf(db, "SELECT id FROM scopes WHERE id > ? ORDER BY id");
    const agents = pageOf(db, "SELECT id FROM agents WHERE id > ? ORDER BY id");
    const chunks = db.prepare("DELETE FROM chunks WHERE id >= ? AND id < ?");
    const days = db.prepare("DELETE FROM day_chunks WHERE id >= ? AND id < ?");
    const head = db.prepare("DELETE FROM samples WHERE agent_id = ? AND ts < ?");

    this.#phases = (now) => {
      const cutoffs = {
        raw: now - retention.raw,
        fiveMinute: now - retention.fiveMinute,
        hourly: now - retention.hourly,
      };
      const { raw, fiveMinute, hourly } = cutoffs;
      /** The bucket of a level holding its retention's cutoff: it and those after are kept. */
      const kept = (level: Level) =>
        bucketOf(level, level === FIVE_MINUTE_LEVEL ? fiveMinute : hourly);
      // Whole chunks only: a window or span goes once all of it is past retention.
      const removeRollups = (owner: "series" | "scope", id: number) => {
        for (const t of ROLLUP_TABLES) {
          if (t.owner === owner) rollups.removeBefore(t, id, spanOf(t, kept(t.level)));
        }
        if (!legacy.present) return;
        for (const t of LEGACY_TABLES) {
          if (t.target.owner === owner) legacy.removeBefore(t, id, kept(t.target.level));
        }
      };
      return [
        {
          next: series,
          remove: (id) => {
            chunks.run(chunkId(id, 0), chunkId(id, windowOf(raw)));
            days.run(chunkId(id, 0), chunkId(id, dayOf(windowOf(raw))));
            removeRollups("series", id);
          },
        },
        {
          next: scopes,
          remove: (id) => removeRollups("scope", id),
        },
        {
          next: agents,
          // Head rows this old are late arrivals that compaction has not reached yet.
          remove: (id) => head.run(id, raw),
        },
        ...more(cutoffs),
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
        const phase = pass.phases[pass.phase] as RetentionPhase;
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
