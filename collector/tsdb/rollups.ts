// 5-minute and 1-hour rollups of every series (count, min, max, sum; for giamsat_check_up also the
// time up, observed and down because of the link) and the same times per unit and scope by 5
// minutes, hours and Vietnamese days, kept in compressed chunks (rollup-writer.ts). One step rolls
// up at most one hour of one unit; none runs while an upgraded store still moves its old rollup
// rows into chunks (layout-upgrade.ts), so a bucket is only ever in one place.
//
// A chunk holds a local day of 5-minute buckets (and 8 of hours), so writing it after every hour
// would decode and encode each chunk 24 times a day caught up. A unit's hours up to its next local
// midnight are made into one edit kept open over the steps, and saved with the unit's watermark in
// the step that ends the day (or reaches the target): until then readers answer from raw samples
// as for any time not rolled up, a crash loses only the unsaved hours (made again at the next
// start), and samples arriving late for hours already in the edit mark the unit dirty when it is
// saved (watermarks.ts).
import {
  bucketOf,
  bucketStart,
  DAY_LEVEL,
  FIVE_MINUTE_LEVEL,
  FIVE_MINUTES,
  floorTo,
  HOUR,
  HOUR_LEVEL,
} from "./buckets.js";
import { type CheckSeries, holdCap, type SeriesCatalog } from "./catalog.js";
import { type CheckInput, type CheckTimesOf, medianGap } from "./check-times.js";
import type { Samples } from "./chunk-codec.js";
import type { Job } from "./jobs.js";
import { quantize, scaleOf } from "./precision.js";
import type { RollupChunks, RollupEdit, Row } from "./rollup-chunks.js";
import { writeScope, writeSeries } from "./rollup-writer.js";
import { type SampleReader, slice } from "./sample-reader.js";
import { ScopeIds } from "./scopes.js";
import type { Db } from "./sqlite.js";
import type { UnitMark, Watermarks } from "./watermarks.js";

/** Samples arriving up to this late still find their bucket not yet rolled up. */
export const ROLLUP_LAG_MS = 2 * 60_000;
/** A changed check interval is taken over when the new median differs by more than this share. */
const INTERVAL_CHANGE = 0.25;

export type SampleSource = (seriesId: number, from: number, to: number) => Samples;

/** A unit's rollups being made hour by hour into one edit, saved when `next` reaches `end`. */
interface OpenEdit {
  unit: string;
  edit: RollupEdit;
  /** Buckets made again after late samples (true), or the unit's newest ones. */
  redo: boolean;
  next: number;
  end: number;
}

export class Rollups implements Job {
  readonly name = "rollups";
  readonly #db: Db;
  readonly #units;
  readonly #scopes: ScopeIds;
  #next = 0;
  #open: OpenEdit | undefined;

  constructor(
    db: Db,
    private readonly catalog: SeriesCatalog,
    private readonly samples: SampleReader,
    private readonly marks: Watermarks,
    private readonly chunks: RollupChunks,
    private readonly options: {
      rawRetentionMs: number;
      lagMs?: number;
      /** How a unit's check results become time up, observed and down because of the link. */
      checkTimes: CheckTimesOf;
      /** False while rollups must wait (an upgrade moving old rollups into chunks). */
      ready?: () => boolean;
    },
  ) {
    this.#db = db;
    this.#scopes = new ScopeIds(db);
    this.#units = db.prepare("SELECT id FROM units ORDER BY id").pluck();
  }

  /** Bucket ends up to which rollups are made now: a little behind the clock, for stragglers. */
  target(now: number): number {
    return floorTo(FIVE_MINUTE_LEVEL, now - (this.options.lagMs ?? ROLLUP_LAG_MS));
  }

  step(now: number): boolean {
    if (this.options.ready && !this.options.ready()) return false;
    this.catalog.refresh();
    const open = this.#open;
    if (open) {
      this.#transaction(() => this.#continue(open));
      return true;
    }
    const target = this.target(now);
    const units = this.#units.all() as string[];
    for (let k = 0; k < units.length; k++) {
      const unit = units[(this.#next + k) % units.length] as string;
      const mark = this.marks.get(unit);
      if (mark && mark.dirtyFrom === undefined && mark.through >= target) continue;
      this.#next = (this.#next + k + 1) % units.length;
      this.#transaction(() => this.#advance(unit, now, target));
      return true;
    }
    return false;
  }

  /** A step's transaction; an edit left open by a step that failed is dropped, not saved. */
  #transaction(work: () => void): void {
    try {
      this.#db.transaction(work)();
    } catch (error) {
      if (this.#open) this.marks.close(this.#open.unit);
      this.#open = undefined;
      throw error;
    }
  }

  #advance(unit: string, now: number, target: number): void {
    let mark = this.marks.get(unit);
    if (!mark) {
      // First sight of the unit (or of a database from before rollups): what it already holds
      // is rolled up as if it had arrived late.
      let oldest: number | undefined;
      for (const series of this.catalog.unitSeries(unit)) {
        const first = this.samples.firstTs(series.id);
        if (first !== undefined && (oldest === undefined || first < oldest)) oldest = first;
      }
      mark = {
        through: target,
        dirtyFrom: oldest !== undefined && oldest < target ? oldest : undefined,
      };
      this.marks.set(unit, mark);
      return;
    }
    const redo = mark.dirtyFrom !== undefined;
    const from = redo
      ? Math.max(
          floorTo(FIVE_MINUTE_LEVEL, mark.dirtyFrom as number),
          floorTo(FIVE_MINUTE_LEVEL, now - this.options.rawRetentionMs),
        )
      : mark.through;
    const limit = redo ? mark.through : target;
    if (from >= limit) {
      this.marks.set(unit, { through: mark.through, dirtyFrom: undefined });
      return;
    }
    const midnight = bucketStart(DAY_LEVEL, bucketOf(DAY_LEVEL, from) + 1);
    const open = {
      unit,
      edit: this.chunks.edit(),
      redo,
      next: from,
      end: Math.min(limit, midnight),
    };
    this.#open = open;
    this.marks.open(unit);
    this.#continue(open);
  }

  /** Rolls up the open edit's next hour; the last one saves the edit and the unit's watermark. */
  #continue(open: OpenEdit): void {
    const { unit, next } = open;
    const to = Math.min(floorTo(HOUR_LEVEL, next) + HOUR, open.end);
    this.rollUp(unit, next, to, this.#prefetch(unit, next, to), open.edit);
    open.next = to;
    if (to < open.end) return;
    this.#open = undefined;
    open.edit.flush();
    const late = this.marks.close(unit);
    const mark = this.marks.get(unit) as UnitMark;
    const saved: UnitMark = open.redo
      ? { through: mark.through, dirtyFrom: to < mark.through ? to : undefined }
      : { through: to, dirtyFrom: mark.dirtyFrom };
    // Samples that arrived for hours already in the edit: those hours are made again.
    if (late !== undefined && late < to) {
      saved.dirtyFrom = Math.min(saved.dirtyFrom ?? late, late);
    }
    this.marks.set(unit, saved);
  }

  /**
   * The raw samples a rollup of [from, to) reads, fetched with one read of each agent's head rows
   * rather than one per series.
   */
  #prefetch(unit: string, from: number, to: number): SampleSource {
    const series = this.catalog.unitSeries(unit);
    const checks = this.catalog.unitChecks(unit);
    // A check whose interval is not known yet is read an hour back, to learn it.
    const unknown = checks.some((c) => c.interval === undefined);
    const back = Math.max(unknown ? HOUR : 0, ...checks.map((c) => holdCap(c)));
    const fetched = this.samples.readMany(series, from - back, to);
    return (id, a, b) => {
      const samples = fetched.get(id);
      if (!samples || a < from - back || b > to) return this.samples.read(id, a, b);
      return slice(samples, a, b);
    };
  }

  /**
   * Rolls up [from, to) of the unit, on 5-minute bounds, from the samples `source` gives, hour by
   * hour (as the job does), and makes the hours and days around it again. The chunks it touches
   * are written once at the end, or when the caller flushes `edit`. Call inside a transaction.
   */
  rollUp(unit: string, from: number, to: number, source: SampleSource, edit?: RollupEdit): void {
    const changes = edit ?? this.chunks.edit();
    for (let start = from; start < to; start = floorTo(HOUR_LEVEL, start) + HOUR) {
      this.#rollUpHour(
        unit,
        start,
        Math.min(to, floorTo(HOUR_LEVEL, start) + HOUR),
        source,
        changes,
      );
    }
    if (!edit) changes.flush();
  }

  #rollUpHour(unit: string, from: number, to: number, source: SampleSource, edit: RollupEdit) {
    const series = this.catalog.unitSeries(unit);
    if (series.length === 0) return;
    const checks = this.catalog.unitChecks(unit);
    const inputs: CheckInput[] = [];
    const checkSamples = new Map<number, Samples>();
    for (const check of checks) {
      const input = this.#checkInput(check, from, to, source);
      inputs.push(input);
      checkSamples.set(check.id, input.samples);
    }
    const times = this.options.checkTimes(inputs, from, to, FIVE_MINUTES);
    const first = bucketOf(FIVE_MINUTE_LEVEL, from);
    const count = bucketOf(FIVE_MINUTE_LEVEL, to) - first;
    for (const s of series) {
      const scale = scaleOf(s.metric);
      const samples = checkSamples.get(s.id) ?? source(s.id, from, to);
      const stats = bucketStats(samples, from, count);
      const perCheck = times.checks.get(s.id);
      const rows: (Row | undefined)[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const st = stats[i];
        const t = perCheck?.[i];
        if (!st && !(t && t.observed > 0)) continue;
        rows[i] = [
          st?.count ?? 0,
          st?.min ?? null,
          st?.max ?? null,
          st ? quantize(st.sum, scale) : null,
          t ? t.up : null,
          t ? t.observed : null,
          t ? t.link : null,
        ];
      }
      writeSeries(edit, s.id, scale, first, rows);
    }
    const scopeIds = this.#scopes.forUnit(unit, [...times.scopes.keys()]);
    for (const [scope, id] of scopeIds) {
      const list = times.scopes.get(scope);
      const rows: (Row | undefined)[] = new Array(count);
      list?.forEach((t, i) => {
        if (t.observed > 0 || t.covered > 0) rows[i] = [t.up, t.observed, t.link, t.covered];
      });
      writeScope(edit, id, first, rows);
    }
  }

  #checkInput(check: CheckSeries, from: number, to: number, source: SampleSource): CheckInput {
    if (check.interval === undefined) {
      // Enough history to learn the interval before the first rollup of the check.
      const samples = source(check.id, from - HOUR, to);
      const gap = medianGap(samples.ts, 3);
      if (gap !== undefined) this.catalog.setInterval(check, Math.round(gap));
    }
    const cap = holdCap(check);
    const samples = source(check.id, from - cap, to);
    const gap = medianGap(samples.ts, 10);
    if (
      gap !== undefined &&
      check.interval !== undefined &&
      Math.abs(gap - check.interval) > INTERVAL_CHANGE * check.interval
    ) {
      // The check's interval was changed in the agent's config; later rollups use the new one.
      this.catalog.setInterval(check, Math.round(gap));
    }
    return { id: check.id, category: check.category, cap, samples };
  }
}

interface Stats {
  count: number;
  min: number;
  max: number;
  sum: number;
}

/** count, min, max and sum of the samples in each 5-minute bucket from `from`. */
export function bucketStats(
  samples: Samples,
  from: number,
  buckets: number,
): (Stats | undefined)[] {
  const out: (Stats | undefined)[] = new Array(buckets);
  for (let i = 0; i < samples.ts.length; i++) {
    const index = Math.floor(((samples.ts[i] as number) - from) / FIVE_MINUTES);
    if (index < 0 || index >= buckets) continue;
    const value = samples.values[i] as number;
    const st = out[index];
    if (!st) out[index] = { count: 1, min: value, max: value, sum: value };
    else {
      st.count++;
      if (value < st.min) st.min = value;
      if (value > st.max) st.max = value;
      st.sum += value;
    }
  }
  return out;
}
