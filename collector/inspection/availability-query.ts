// Availability of checks, categories and units over any window, from the rollups where they are
// complete and from raw samples for the rest (see window-plan.ts); the answer equals what the raw
// samples alone would give while they are kept.
import type { RetentionConfig } from "../../shared/config/collector.js";
import {
  type CheckInput,
  type CheckTimes,
  type CheckTimesOf,
  DAY_LEVEL,
  DEFAULT_INTERVAL_MS,
  FIVE_MINUTE_LEVEL,
  HOUR,
  HOUR_LEVEL,
  type Level,
  medianGap,
  type Piece,
  planWindow,
  type RollupReader,
  type SampleReader,
  type ScopeIds,
  type ScopeTimes,
  type SeriesCatalog,
  slice,
  type Watermarks,
} from "../tsdb/index.js";
import { bucketTimes } from "./availability.js";

/** Raw samples this close to the raw retention limit may lack the result held over into them. */
const RAW_MARGIN_MS = 10 * 60_000;

export function emptyTimes(): ScopeTimes {
  return { up: 0, observed: 0, link: 0, covered: 0 };
}

function add(into: CheckTimes | ScopeTimes, from: Partial<ScopeTimes>, fraction = 1): void {
  into.up += (from.up ?? 0) * fraction;
  into.observed += (from.observed ?? 0) * fraction;
  into.link += (from.link ?? 0) * fraction;
  if ("covered" in into) into.covered += (from.covered ?? 0) * fraction;
}

export class AvailabilityQuery {
  constructor(
    private readonly catalog: SeriesCatalog,
    private readonly samples: SampleReader,
    private readonly rollups: RollupReader,
    private readonly marks: Watermarks,
    private readonly scopes: ScopeIds,
    private readonly retention: RetentionConfig,
    /** How results become times: the rollups' own, so raw and rolled-up answers agree. */
    private readonly timesOf: CheckTimesOf = bucketTimes,
    /** Whether check series have their local days (a store from before is still making them). */
    private readonly seriesDays: () => boolean = () => true,
  ) {}

  /** Times per unit and scope (category, or "*" for the whole unit) in [from, to). */
  scopeTimes(
    units: readonly string[],
    from: number,
    to: number,
    now: number,
  ): Map<string, Map<string, ScopeTimes>> {
    this.catalog.refresh();
    const out = new Map<string, Map<string, ScopeTimes>>();
    const byMark = new Map<number, string[]>();
    for (const unit of units) {
      out.set(unit, new Map());
      const mark = this.marks.effective(unit);
      byMark.set(mark, [...(byMark.get(mark) ?? []), unit]);
    }
    for (const [mark, group] of byMark) {
      const scopeOf = new Map<number, [string, string]>();
      for (const unit of group) {
        for (const [scope, id] of this.scopes.known(unit)) scopeOf.set(id, [unit, scope]);
      }
      const ids = JSON.stringify([...scopeOf.keys()]);
      const pieces = this.#plan(from, to, mark, now, [DAY_LEVEL, HOUR_LEVEL, FIVE_MINUTE_LEVEL]);
      for (const piece of pieces) {
        if (piece.kind === "raw") {
          for (const unit of group) {
            const times = this.#rawTimes(unit, piece.from, piece.to);
            const scopes = out.get(unit) as Map<string, ScopeTimes>;
            for (const [scope, list] of times.scopes) add(entry(scopes, scope), list[0] ?? {});
          }
          continue;
        }
        for (const [id, up, observed, link, covered] of this.rollups.times("scope", piece, ids)) {
          const [unit, scope] = scopeOf.get(id) as [string, string];
          const times = { up, observed, link, covered: covered ?? 0 };
          add(entry(out.get(unit) as Map<string, ScopeTimes>, scope), times, fraction(piece));
        }
      }
    }
    return out;
  }

  /**
   * Times per check (its giamsat_check_up series id) of one unit in [from, to); of the checks
   * whose series are `only` when given.
   */
  checkTimes(
    unit: string,
    from: number,
    to: number,
    now: number,
    only?: ReadonlySet<number>,
  ): Map<number, CheckTimes> {
    this.catalog.refresh();
    const out = new Map<number, CheckTimes>();
    const checks = this.catalog.unitChecks(unit).filter((c) => only?.has(c.id) ?? true);
    for (const check of checks) out.set(check.id, { up: 0, observed: 0, link: 0 });
    const ids = JSON.stringify(checks.map((c) => c.id));
    // Whole local days from the days' rollups: a month of a check is 30 buckets, not 720 hours.
    // Their times are whole milliseconds, so the sums are those of the hours exactly.
    const levels = this.seriesDays()
      ? [DAY_LEVEL, HOUR_LEVEL, FIVE_MINUTE_LEVEL]
      : [HOUR_LEVEL, FIVE_MINUTE_LEVEL];
    const pieces = this.#plan(from, to, this.marks.effective(unit), now, levels);
    for (const piece of pieces) {
      if (piece.kind === "raw") {
        for (const [id, list] of this.#rawTimes(unit, piece.from, piece.to).checks) {
          const times = out.get(id);
          if (times) add(times, list[0] ?? {});
        }
        continue;
      }
      for (const [id, up, observed, link] of this.rollups.times("series", piece, ids)) {
        const times = out.get(id);
        if (times) add(times, { up, observed, link }, fraction(piece));
      }
    }
    return out;
  }

  #plan(from: number, to: number, mark: number, now: number, levels: Level[]): Piece[] {
    const kept = (level: Level | "raw") => {
      if (level === "raw") return now - this.retention.raw + RAW_MARGIN_MS;
      if (level.name === "5m") return now - this.retention.fiveMinute;
      return now - this.retention.hourly;
    };
    return planWindow({ from, to, rolledUpBefore: mark, levels, keptFrom: kept });
  }

  /** The unit's times in [from, to) from raw samples, as one bucket. */
  #rawTimes(unit: string, from: number, to: number) {
    const checks = this.catalog.unitChecks(unit);
    // One read of each agent's rows, far enough back for the longest hold and to learn intervals.
    const unknown = checks.some((c) => c.interval === undefined);
    const back = Math.max(
      unknown ? HOUR : 0,
      ...checks.map((c) => 2 * (c.interval ?? DEFAULT_INTERVAL_MS)),
    );
    const read = this.samples.readMany(checks, from - back, to);
    const inputs: CheckInput[] = checks.map((check) => {
      const samples = read.get(check.id) ?? { ts: [], values: [] };
      const interval = check.interval ?? medianGap(samples.ts, 3) ?? DEFAULT_INTERVAL_MS;
      const cap = 2 * interval;
      return {
        id: check.id,
        category: check.category,
        cap,
        samples: slice(samples, from - cap, to),
      };
    });
    return this.timesOf(inputs, from, to, to - from);
  }
}

function entry(map: Map<string, ScopeTimes>, key: string): ScopeTimes {
  let found = map.get(key);
  if (!found) {
    found = emptyTimes();
    map.set(key, found);
  }
  return found;
}

function fraction(piece: Piece): number {
  return piece.kind === "partial" ? piece.fraction : 1;
}
