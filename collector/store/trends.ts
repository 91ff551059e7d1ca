// How long each check of a unit took over a window, as averages per rollup bucket: the points of
// the unit page's small trend lines. Read from the rollups, so a month costs as little as a day.
import { METRICS } from "../../shared/metrics.js";
import type { History } from "./history.js";

export interface TrendPoint {
  ts: number;
  value: number;
}

/** Windows up to this long use 5-minute buckets (at most 576 points), longer ones hourly. */
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
  const statement = history.db
    .prepare(
      fine
        ? "SELECT series_id, bucket, sum / count FROM rollup_5m WHERE series_id IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ? AND sum IS NOT NULL ORDER BY series_id, bucket"
        : "SELECT series_id, bucket, sum / count FROM rollup_1h WHERE series_id IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ? AND sum IS NOT NULL ORDER BY series_id, bucket",
    )
    .raw();
  const rows = statement.all(
    JSON.stringify(series.map((s) => s.id)),
    Math.floor(from / size),
    Math.ceil(to / size),
  ) as [number, number, number][];
  const keyOf = new Map(series.map((s) => [s.id, `${s.agent}/${s.labels.check ?? ""}`]));
  for (const [id, bucket, value] of rows) {
    const key = keyOf.get(id);
    if (key === undefined) continue;
    let points = out.get(key);
    if (!points) {
      points = [];
      out.set(key, points);
    }
    points.push({ ts: bucket * size + size / 2, value });
  }
  return out;
}
