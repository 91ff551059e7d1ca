// 5-minute and 1-hour rollups of every series (count, min, max, sum; for giamsat_check_up also the
// time up, observed and down because of the link) and the same times per unit and scope by 5
// minutes, hours and Vietnamese days. One step rolls up at most one hour of one unit.
import {
  bucketOf,
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
  readonly #deleteSeries5m;
  readonly #insertSeries5m;
  readonly #deleteScope5m;
  readonly #insertScope5m;
  readonly #rebuildSeries1h;
  readonly #deleteSeries1h;
  readonly #deleteScope1h;
  readonly #rebuildScope1h;
  readonly #deleteScope1d;
  readonly #rebuildScope1d;
  readonly #scopes: ScopeIds;
  #next = 0;

  constructor(
    db: Db,
    private readonly catalog: SeriesCatalog,
    private readonly samples: SampleReader,
    private readonly marks: Watermarks,
    private readonly options: {
      rawRetentionMs: number;
      lagMs?: number;
      /** How a unit's check results become time up, observed and down because of the link. */
      checkTimes: CheckTimesOf;
    },
  ) {
    this.#db = db;
    this.#scopes = new ScopeIds(db);
    this.#units = db.prepare("SELECT id FROM units ORDER BY id").pluck();
    const ids = "SELECT value FROM json_each(?)";
    this.#deleteSeries5m = db.prepare(
      `DELETE FROM rollup_5m WHERE series_id IN (${ids}) AND bucket >= ? AND bucket < ?`,
    );
    this.#insertSeries5m = db.prepare("INSERT INTO rollup_5m VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.#deleteScope5m = db.prepare(
      `DELETE FROM scope_5m WHERE scope_id IN (${ids}) AND bucket >= ? AND bucket < ?`,
    );
    this.#insertScope5m = db.prepare("INSERT INTO scope_5m VALUES (?, ?, ?, ?, ?, ?)");
    this.#deleteSeries1h = db.prepare(
      `DELETE FROM rollup_1h WHERE series_id IN (${ids}) AND bucket = ?`,
    );
    this.#rebuildSeries1h = db.prepare(`
      INSERT INTO rollup_1h SELECT series_id, @bucket, sum(count), min(min), max(max), sum(sum),
        sum(up_ms), sum(observed_ms), sum(link_ms)
      FROM rollup_5m WHERE series_id IN (SELECT value FROM json_each(@ids)) AND bucket >= @first AND bucket < @last
      GROUP BY series_id`);
    this.#deleteScope1h = db.prepare(
      `DELETE FROM scope_1h WHERE scope_id IN (${ids}) AND bucket = ?`,
    );
    this.#rebuildScope1h = db.prepare(`
      INSERT INTO scope_1h SELECT scope_id, @bucket, sum(up_ms), sum(observed_ms), sum(link_ms), sum(covered_ms)
      FROM scope_5m WHERE scope_id IN (SELECT value FROM json_each(@ids)) AND bucket >= @first AND bucket < @last
      GROUP BY scope_id`);
    this.#deleteScope1d = db.prepare(
      `DELETE FROM scope_1d WHERE scope_id IN (${ids}) AND bucket = ?`,
    );
    this.#rebuildScope1d = db.prepare(`
      INSERT INTO scope_1d SELECT scope_id, @bucket, sum(up_ms), sum(observed_ms), sum(link_ms), sum(covered_ms)
      FROM scope_1h WHERE scope_id IN (SELECT value FROM json_each(@ids)) AND bucket >= @first AND bucket < @last
      GROUP BY scope_id`);
  }

  /** Bucket ends up to which rollups are made now: a little behind the clock, for stragglers. */
  target(now: number): number {
    return floorTo(FIVE_MINUTE_LEVEL, now - (this.options.lagMs ?? ROLLUP_LAG_MS));
  }

  step(now: number): boolean {
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
   * Rolls up [from, to) of the unit, which lies within one hour and on 5-minute bounds, from the
   * samples `source` gives, and rebuilds the hour and the day around it. Call inside a transaction.
   */
  rollUp(unit: string, from: number, to: number, source: SampleSource): void {
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
    const last = bucketOf(FIVE_MINUTE_LEVEL, to);
    const ids = JSON.stringify(series.map((s) => s.id));
    this.#deleteSeries5m.run(ids, first, last);
    for (const s of series) {
      const samples = checkSamples.get(s.id) ?? source(s.id, from, to);
      const stats = bucketStats(samples, from, last - first);
      const perCheck = times.checks.get(s.id);
      for (let i = 0; i < last - first; i++) {
        const st = stats[i];
        const t = perCheck?.[i];
        if (!st && !(t && t.observed > 0)) continue;
        this.#insertSeries5m.run(
          s.id,
          first + i,
          st?.count ?? 0,
          st?.min ?? null,
          st?.max ?? null,
          st?.sum ?? null,
          t ? t.up : null,
          t ? t.observed : null,
          t ? t.link : null,
        );
      }
    }
    const scopeIds = this.#scopes.forUnit(unit, [...times.scopes.keys()]);
    const scopeList = JSON.stringify([...scopeIds.values()]);
    this.#deleteScope5m.run(scopeList, first, last);
    for (const [scope, list] of times.scopes) {
      const id = scopeIds.get(scope) as number;
      list.forEach((t, i) => {
        if (t.observed > 0 || t.covered > 0) {
          this.#insertScope5m.run(id, first + i, t.up, t.observed, t.link, t.covered);
        }
      });
    }
    const hour = bucketOf(HOUR_LEVEL, from);
    this.#deleteSeries1h.run(ids, hour);
    this.#rebuildSeries1h.run({ ids, bucket: hour, first: hour * 12, last: hour * 12 + 12 });
    this.#deleteScope1h.run(scopeList, hour);
    this.#rebuildScope1h.run({
      ids: scopeList,
      bucket: hour,
      first: hour * 12,
      last: hour * 12 + 12,
    });
    const day = bucketOf(DAY_LEVEL, from);
    const dayFirstHour = bucketOf(HOUR_LEVEL, day * DAY_LEVEL.size - DAY_LEVEL.offset);
    this.#deleteScope1d.run(scopeList, day);
    this.#rebuildScope1d.run({
      ids: scopeList,
      bucket: day,
      first: dayFirstHour,
      last: dayFirstHour + 24,
    });
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
