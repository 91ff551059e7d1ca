// How long each check of a unit took over a window, as averages per rollup bucket: the points of
// the unit page's small trend lines. Read from the rollups, so a month costs as little as a day.
import { METRICS } from "../../shared/metrics.js";
import type { History } from "./history.js";

export interface TrendPoint {
  ts: number;
  value: number;
}

/** The most points a trend line gets. */
const MAX_POINTS = 144;
/** Windows up to this long are read from 5-minute buckets, longer ones from hourly ones. */
const FIVE_MINUTE_UP_TO = 2 * 86_400_000;

/** Average check duration in seconds per bucket, keyed "agent/check". */
export function checkTrends(
  history: History,
  unit: string,
  from: number,
  to: number,
): Map<string, TrendPoint[]> {
  const series = history.catalog.unitMetric(unit, METRICS.checkDuration.name);
  const out = new Map<string, TrendPoint[]>();
  if (series.length === 0) return out;
  const fine = to - from <= FIVE_MINUTE_UP_TO;
  const size = fine ? 300_000 : 3_600_000;
  const rows = history.rollupReader.means(
    fine ? "5m" : "1h",
    JSON.stringify(series.map((s) => s.id)),
    Math.floor(from / size),
    Math.ceil(to / size),
  );
  const keyOf = new Map(series.map((s) => [s.id, `${s.agent}/${s.labels.check ?? ""}`]));
  // A line a few hundred pixels wide needs no more points than this: buckets are averaged into
  // steps of `step` ms, so a month is about as heavy on the page as a day.
  const step = Math.max(size, Math.ceil((to - from) / MAX_POINTS / size) * size);
  let current: { id: number; at: number; sum: number; n: number } | undefined;
  const emit = () => {
    if (!current) return;
    const key = keyOf.get(current.id);
    if (key === undefined) return;
    let points = out.get(key);
    if (!points) {
      points = [];
      out.set(key, points);
    }
    points.push({ ts: current.at + step / 2, value: current.sum / current.n });
  };
  for (const [id, bucket, value] of rows) {
    const at = Math.floor((bucket * size) / step) * step;
    if (current && current.id === id && current.at === at) {
      current.sum += value;
      current.n++;
      continue;
    }
    emit();
    current = { id, at, sum: value, n: 1 };
  }
  emit();
  return out;
}
