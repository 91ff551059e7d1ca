// 5-minute and 1-hour rollups of every series (count, min, max, sum; for giamsat_check_up also the
// time up, observed and down because of the link) and the same times per unit and scope by 5
// minutes, hours and Vietnamese days, kept in compressed chunks (rollup-writer.ts). One step rolls
// up at most one hour of one unit; none runs while an upgraded store still moves its old rollup
// rows into chunks (layout-upgrade.ts), so a bucket is only ever in one place.
import { bucketOf, FIVE_MINUTE_LEVEL, FIVE_MINUTES, floorTo, HOUR, HOUR_LEVEL } from "./buckets.js";
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
import type { Watermarks } from "./watermarks.js";

/** Samples arriving up to this late still find their bucket not yet rolled up. */
export const ROLLUP_LAG_MS = 2 * 60_000;
/** A changed check interval is taken over when the new median differs by more than this share. */
const INTERVAL_CHANGE = 0.25;

export type SampleSource = (seriesId: number, from: number, to: number) => Samples;

export class Rollups implements Job {
  readonly name = "rollups";
  readonly #db: Db;
  readonly #units;
  readonly #scopes: ScopeIds;
  #next = 0;

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
    const target = this.target(now);
    const units = this.#units.all() as string[];
    for (let k = 0; k < units.length; k++) {
      const unit = units[(this.#next + k) % units.length] as string;
      const mark = this.marks.get(unit);
      if (mark && mark.dirtyFrom === undefined && mark.through >= target) continue;
      this.#next = (this.#next + k + 1) % units.length;
      this.#db.transaction(() => this.#advance(unit, now, target))();
      return true;
    }
    return false;
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
    if (mark.dirtyFrom !== undefined) {
      const from = Math.max(
        floorTo(FIVE_MINUTE_LEVEL, mark.dirtyFrom),
        floorTo(FIVE_MINUTE_LEVEL, now - this.options.rawRetentionMs),
      );
      if (from >= mark.through) {
        this.marks.set(unit, { through: mark.through, dirtyFrom: undefined });
        return;
      }
      const to = Math.min(floorTo(HOUR_LEVEL, from) + HOUR, mark.through);
      this.rollUp(unit, from, to, this.#prefetch(unit, from, to));
      this.marks.set(unit, {
        through: mark.through,
        dirtyFrom: to < mark.through ? to : undefined,
      });
      return;
    }
    const from = mark.through;
    const to = Math.min(floorTo(HOUR_LEVEL, from) + HOUR, target);
    this.rollUp(unit, from, to, this.#prefetch(unit, from, to));
    this.marks.set(unit, { through: to, dirtyFrom: undefined });
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
