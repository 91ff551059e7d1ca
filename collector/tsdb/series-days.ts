// Makes the local days of check series' rollups from their hours in a store written before series
// had days (schema 18), as a background job: each step makes the days of a few series in one
// transaction and saves how far it got, so a restart goes on from there. Until it is done, rollups
// wait (they write days too, and a day is made from one place only) and queries read the hours.
import type { Logger } from "../../shared/log.js";
import type { Job } from "./jobs.js";
import { scaleOf } from "./precision.js";
import type { RollupChunks } from "./rollup-chunks.js";
import { chunkIdOf, SERIES_1D, SERIES_1H, spanOfChunk, spanStart } from "./rollup-tables.js";
import { rebuildDays, seriesBucketOf } from "./rollup-writer.js";
import type { Db } from "./sqlite.js";

/** maintenance_state: the series id after which days are still to be made (migration-18.ts). */
const STATE_KEY = "series_days_after";
const STEP_MS = 5;

export class SeriesDays implements Job {
  readonly name = "series-days";
  readonly #db: Db;
  readonly #next;
  readonly #hourChunks;
  readonly #save;
  readonly #finish;
  /** The series id after which days are still to be made; undefined when done. */
  #after: number | undefined;
  #busyMs = 0;

  constructor(
    db: Db,
    private readonly chunks: RollupChunks,
    /** False while an older store's rollups are still moving into chunks (layout-upgrade.ts). */
    private readonly ready: () => boolean,
    private readonly log?: Logger,
  ) {
    this.#db = db;
    this.#next = db.prepare("SELECT id, metric FROM series WHERE id > ? ORDER BY id LIMIT 1");
    this.#hourChunks = db
      .prepare("SELECT id FROM rollup_1h_chunks WHERE id >= ? AND id < ? ORDER BY id")
      .pluck();
    this.#save = db.prepare("UPDATE maintenance_state SET value = ? WHERE job = ?");
    this.#finish = db.prepare("DELETE FROM maintenance_state WHERE job = ?");
    this.#after = db
      .prepare("SELECT value FROM maintenance_state WHERE job = ?")
      .pluck()
      .get(STATE_KEY) as number | undefined;
  }

  /** Every series' days are made: queries may read them. */
  get done(): boolean {
    return this.#after === undefined;
  }

  step(_now: number): boolean {
    if (this.#after === undefined || !this.ready()) return false;
    const started = performance.now();
    if (this.#busyMs === 0) {
      this.log?.info({ after: this.#after }, "making check series' daily rollups from their hours");
    }
    // Kept in memory only once the transaction is committed: a failed step is done again.
    const after = this.#db.transaction((from: number): number | undefined => {
      let last = from;
      do {
        const series = this.#next.get(last) as { id: number; metric: string } | undefined;
        if (!series) {
          this.#finish.run(STATE_KEY);
          return undefined;
        }
        this.#makeDays(series.id, scaleOf(series.metric));
        last = series.id;
      } while (performance.now() - started < STEP_MS);
      this.#save.run(last, STATE_KEY);
      return last;
    })(this.#after);
    this.#after = after;
    this.#busyMs += performance.now() - started;
    if (after === undefined) {
      this.log?.info(
        { busySeconds: Math.round(this.#busyMs) / 1000 },
        "check series' daily rollups made; rollups go on",
      );
    }
    return true;
  }

  /** The series' days, made from each chunk of its hours. */
  #makeDays(series: number, scale: number | undefined): void {
    const edit = this.chunks.edit();
    const ids = this.#hourChunks.all(chunkIdOf(series, 0), chunkIdOf(series + 1, 0)) as number[];
    for (const id of ids) {
      const span = spanOfChunk(id);
      const [first, last] = [spanStart(SERIES_1H, span), spanStart(SERIES_1H, span + 1)];
      rebuildDays(edit, SERIES_1H, SERIES_1D, series, first, last, (hours) =>
        seriesBucketOf(hours, scale),
      );
    }
    edit.flush();
  }
}
