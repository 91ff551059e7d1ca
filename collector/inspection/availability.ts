// Gap-aware availability from check results, as pure functions over time intervals.
//
// A result at ts holds from ts until the check's next result, but at most `cap` (twice the check's
// usual interval): time no result covers is "no data", never "down". Down time of a check while a
// check it depends on (dependencies.ts) was down is marked as caused by that parent, the unit's
// link to what it reaches (kept as `link`). Time in planned
// maintenance is kept out of up and observed (as silence is), but not out of `covered`: the checks
// kept running. A scope (a unit's category, or the whole unit) sums its checks' times; its
// `covered` time is when at least one of its checks was observed. Windows are half-open: [from, to).
import type { BucketedTimes, CheckInput, Samples } from "../tsdb/index.js";
import { subtract } from "./maintenance-schedule.js";

// The engine stores these times; their meaning is worked out here.
export type { BucketedTimes, CheckInput, CheckTimes, ScopeTimes } from "../tsdb/index.js";

export interface Interval {
  start: number;
  end: number;
}

export interface Held extends Interval {
  up: boolean;
}

/** The whole unit, as a scope beside its categories. */
export const UNIT_SCOPE = "*";

/** The times each result of a check holds within [from, to), in time order. */
export function heldIntervals(samples: Samples, cap: number, from: number, to: number): Held[] {
  const out: Held[] = [];
  const { ts, values } = samples;
  for (let i = 0; i < ts.length; i++) {
    const at = ts[i] as number;
    const next = ts[i + 1];
    const end = Math.min(next === undefined ? Number.POSITIVE_INFINITY : next, at + cap, to);
    const start = Math.max(at, from);
    if (end > start) out.push({ start, end, up: (values[i] as number) > 0 });
  }
  return out;
}

/** The union of intervals, sorted and disjoint. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

/** Where two sorted, disjoint interval lists overlap. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval;
    const y = b[j] as Interval;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** Adds each interval's length to the buckets of `size` ms from `from` that it falls in. */
export function addToBuckets(
  intervals: readonly Interval[],
  from: number,
  size: number,
  into: number[],
): void {
  for (const { start, end } of intervals) {
    let at = start;
    while (at < end) {
      const index = Math.floor((at - from) / size);
      const bucketEnd = from + (index + 1) * size;
      const stop = Math.min(end, bucketEnd);
      into[index] = (into[index] ?? 0) + (stop - at);
      at = stop;
    }
  }
}

function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** When each check (by its series id) was in planned maintenance within a span: sorted, disjoint. */
export type PlannedOf = (checkId: number) => readonly Interval[];
/** The series of the checks a check (by its series id) depends on. */
export type ParentsOf = (checkId: number) => readonly number[];

/**
 * Times of a unit's checks in the buckets of `size` ms that tile [from, to) (the last may be
 * shorter). Pass size = to - from for the whole window at once.
 */
export function bucketTimes(
  checks: readonly CheckInput[],
  from: number,
  to: number,
  size: number,
  planned?: PlannedOf,
  parentsOf?: ParentsOf,
): BucketedTimes {
  const n = Math.max(1, Math.ceil((to - from) / size));
  const held = new Map<number, Held[]>();
  /** Everything the check's results cover, maintenance included: its share of `covered`. */
  const monitored = new Map<number, Held[]>();
  for (const check of checks) {
    const all = heldIntervals(check.samples, check.cap, from, to);
    monitored.set(check.id, all);
    const intervals = planned ? subtract(all, planned(check.id)) : all;
    held.set(check.id, intervals);
  }
  /** When each parent was down, by its series id; computed once for all its children. */
  const downOf = new Map<number, Interval[]>();
  const down = (id: number) => {
    let found = downOf.get(id);
    if (!found) {
      found = (held.get(id) ?? []).filter((h) => !h.up);
      downOf.set(id, found);
    }
    return found;
  };
  const result: BucketedTimes = { checks: new Map(), scopes: new Map() };
  const observedBy = new Map<string, Interval[]>();
  const scopeSums = new Map<string, { up: number[]; observed: number[]; link: number[] }>();
  for (const check of checks) {
    const intervals = held.get(check.id) as Held[];
    const up = zeros(n);
    const observed = zeros(n);
    const linked = zeros(n);
    addToBuckets(intervals, from, size, observed);
    addToBuckets(
      intervals.filter((h) => h.up),
      from,
      size,
      up,
    );
    const parents = parentsOf?.(check.id) ?? [];
    const link = parents.length === 1 ? down(parents[0] as number) : union(parents.flatMap(down));
    if (link.length > 0) {
      addToBuckets(
        intersect(
          intervals.filter((h) => !h.up),
          link,
        ),
        from,
        size,
        linked,
      );
    }
    result.checks.set(
      check.id,
      up.map((u, i) => ({ up: u, observed: observed[i] as number, link: linked[i] as number })),
    );
    for (const scope of [check.category, UNIT_SCOPE]) {
      let list = observedBy.get(scope);
      if (!list) {
        list = [];
        observedBy.set(scope, list);
      }
      list.push(...(monitored.get(check.id) as Held[]));
      let sums = scopeSums.get(scope);
      if (!sums) {
        sums = { up: zeros(n), observed: zeros(n), link: zeros(n) };
        scopeSums.set(scope, sums);
      }
      for (let i = 0; i < n; i++) {
        sums.up[i] = (sums.up[i] as number) + (up[i] as number);
        sums.observed[i] = (sums.observed[i] as number) + (observed[i] as number);
        sums.link[i] = (sums.link[i] as number) + (linked[i] as number);
      }
    }
  }
  for (const [scope, sums] of scopeSums) {
    const covered = zeros(n);
    addToBuckets(union(observedBy.get(scope) ?? []), from, size, covered);
    result.scopes.set(
      scope,
      covered.map((c, i) => ({
        up: sums.up[i] as number,
        observed: sums.observed[i] as number,
        link: sums.link[i] as number,
        covered: c,
      })),
    );
  }
  return result;
}

/** Share of observed time up, or null when nothing was observed. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
