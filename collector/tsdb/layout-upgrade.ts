// Moves the rollups of a store written by an older version (a row per bucket, legacy-rollups.ts) into
// compressed chunks, as a background job: each step moves whole spans of one owner (a day of a
// series' 5-minute buckets, ...) for a few milliseconds in one transaction, writing their chunk and
// deleting their rows together, so a crash loses nothing and the next start goes on from the rows
// left. Ingest, compaction, retention and every page keep working meanwhile; rollups wait (a
// bucket is never in two places), and queries read the rows not moved yet beside the chunks.
// Progress is logged and estimated for /metrics; the emptied tables are dropped at the end.
import type { Logger } from "../../shared/log.js";
import type { Job } from "./jobs.js";
import { LEGACY_TABLES, type LegacyRollups, type LegacyTable } from "./legacy-rollups.js";
import type { RollupChunks } from "./rollup-chunks.js";
import { spanOf, spanStart } from "./rollup-tables.js";
import type { Db } from "./sqlite.js";

const STEP_MS = 5;
/** Owners sampled per table to estimate how many rows there are to move, from their spans. */
const SAMPLED_OWNERS = 16;
const ESTIMATE_KEY = "upgrade_rollup_rows";
const MOVED_KEY = "upgrade_rollup_rows_moved";

export class LayoutUpgrade implements Job {
  readonly name = "upgrade";
  readonly #db: Db;
  readonly #read;
  readonly #save;
  #estimate: number | undefined;
  #moved: number;
  #table = 0;
  #loggedTenth = 0;
  #busyMs = 0;
  #announced = false;
  /** How long moving a span takes lately, to end a step before it overruns. */
  #moveMs = 0;

  constructor(
    db: Db,
    private readonly legacy: LegacyRollups,
    private readonly chunks: RollupChunks,
    private readonly log?: Logger,
  ) {
    this.#db = db;
    this.#read = db.prepare("SELECT value FROM maintenance_state WHERE job = ?").pluck();
    this.#save = db.prepare(
      "INSERT INTO maintenance_state (job, value) VALUES (?, ?) ON CONFLICT (job) DO UPDATE SET value = excluded.value",
    );
    this.#estimate = this.#read.get(ESTIMATE_KEY) as number | undefined;
    this.#moved = (this.#read.get(MOVED_KEY) as number | undefined) ?? 0;
  }

  /** Share of the old rollup rows moved, estimated; 1 when there are none (left). */
  get progress(): number {
    if (!this.legacy.present) return 1;
    if (!this.#estimate) return 0;
    return Math.min(0.99, this.#moved / this.#estimate);
  }

  get done(): boolean {
    return !this.legacy.present;
  }

  step(_now: number): boolean {
    if (!this.legacy.present) return false;
    const started = performance.now();
    this.#db.transaction(() => {
      // Estimating the rows reads every table: a step of its own.
      if (!this.#announced) return this.#begin();
      let moves = 0;
      // Another span is moved only if one taking as long as they take lately still fits the step.
      while (moves === 0 || performance.now() - started + this.#moveMs < STEP_MS) {
        const t = LEGACY_TABLES[this.#table];
        if (!t) {
          this.legacy.drop();
          for (const key of [ESTIMATE_KEY, MOVED_KEY]) {
            this.#db.prepare("DELETE FROM maintenance_state WHERE job = ?").run(key);
          }
          return;
        }
        const moveStarted = performance.now();
        if (!this.#moveSpan(t)) {
          this.#table++;
          continue;
        }
        moves++;
        // A moving average, so that a move the machine interrupted counts for little.
        this.#moveMs += 0.2 * (performance.now() - moveStarted - this.#moveMs);
      }
      this.#save.run(MOVED_KEY, this.#moved);
    })();
    this.#busyMs += performance.now() - started;
    this.#report();
    return true;
  }

  /** Moves the table's first span left into its chunk; false when the table is empty. */
  #moveSpan(t: LegacyTable): boolean {
    const first = this.legacy.first(t);
    if (!first) return false;
    const span = spanOf(t.target, first.bucket);
    const [from, to] = [spanStart(t.target, span), spanStart(t.target, span + 1)];
    const edit = this.chunks.edit();
    const rows = this.legacy.rows(t, first.owner, from, to);
    for (const [bucket, row] of rows) {
      // A bucket a chunk already holds was written later: it stands.
      if (!edit.get(t.target, first.owner, bucket)) edit.set(t.target, first.owner, bucket, row);
    }
    edit.flush();
    this.legacy.removeRange(t, first.owner, from, to);
    this.#moved += rows.length;
    return true;
  }

  /** Says the upgrade began (or goes on), estimating the rows to move the first time. */
  #begin(): void {
    this.#announced = true;
    if (this.#estimate !== undefined) {
      this.log?.info(
        { progress: Math.round(this.progress * 100) / 100, rows: this.#moved },
        "going on moving rollups into compressed chunks",
      );
      return;
    }
    let rows = 0;
    for (const t of LEGACY_TABLES) {
      const owners = this.#db
        .prepare(`SELECT id FROM ${t.owners} ORDER BY id`)
        .pluck()
        .all() as number[];
      const every = Math.max(1, Math.floor(owners.length / SAMPLED_OWNERS));
      let counted = 0;
      let sampled = 0;
      for (let i = 0; i < owners.length; i += every) {
        counted += this.legacy.spanOf(t, owners[i] as number);
        sampled++;
      }
      if (sampled > 0) rows += Math.round((counted / sampled) * owners.length);
    }
    this.#estimate = Math.max(1, rows);
    this.#save.run(ESTIMATE_KEY, this.#estimate);
    this.log?.info(
      { rows: this.#estimate },
      "moving rollups into compressed chunks; pages and ingest keep working, rollups wait until it is done",
    );
  }

  #report(): void {
    if (!this.legacy.present) {
      this.log?.info(
        { rows: this.#moved, busySeconds: Math.round(this.#busyMs) / 1000 },
        "rollups moved into compressed chunks; the old rollup tables are dropped",
      );
      return;
    }
    const tenth = Math.floor(this.progress * 10);
    if (tenth <= this.#loggedTenth) return;
    this.#loggedTenth = tenth;
    this.log?.info(
      {
        progress: Math.round(this.progress * 100) / 100,
        rows: this.#moved,
        estimated: this.#estimate,
        table: LEGACY_TABLES[this.#table]?.name,
      },
      "moving rollups into compressed chunks",
    );
  }
}
