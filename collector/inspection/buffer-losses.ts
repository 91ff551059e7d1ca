// What a unit's agents lost before it reached the collector: the samples their buffers dropped
// (full, disk full, refused, corrupt) and the buffer files found corrupt at start. The agent keeps
// both counters in its buffer file, so they only grow, across restarts too; the increase within a
// period is read from the rollups (5-minute ones while they are kept, hourly ones before: the
// buckets' means, so a count that changed within a bucket is rounded), and only for counters that
// are above zero at all: most agents never drop anything, and a city's summary then reads nothing
// here.
import { METRICS } from "../../shared/metrics.js";
import type { History } from "./history.js";

const HOUR = 3_600_000;
const FIVE_MINUTES = 300_000;
/** How far before the period a reading is looked for to start from; none there counts from zero. */
const BASELINE_MS = 24 * HOUR;

export interface BufferLoss {
  agent: string;
  /** Samples dropped unsent within the period, all reasons together. */
  samples: number;
  /** Buffer files found corrupt at start within the period. */
  corruptFiles: number;
}

/** The agents of `unit` that lost data between `from` and `until`, by agent name. */
export function bufferLosses(
  history: History,
  unit: string,
  from: number,
  until: number,
  now: number,
): BufferLoss[] {
  if (until <= from) return [];
  const fine = from - BASELINE_MS >= now - history.options.retention.fiveMinute;
  const size = fine ? FIVE_MINUTES : HOUR;
  const losses = new Map<string, BufferLoss>();
  const read = (metric: string, field: "samples" | "corruptFiles") => {
    const series = history.catalog
      .unitSeries(unit)
      .filter((s) => s.metric === metric && lastValue(history, s.id, now) > 0);
    if (series.length === 0) return;
    const rows = history.rollupReader.means(
      fine ? "5m" : "1h",
      JSON.stringify(series.map((s) => s.id)),
      Math.floor((from - BASELINE_MS) / size),
      Math.ceil(until / size),
    );
    for (const s of series) {
      const grown = increase(
        rows.filter(([id]) => id === s.id),
        Math.floor(from / size),
      );
      if (grown <= 0) continue;
      const loss = losses.get(s.agent) ?? { agent: s.agent, samples: 0, corruptFiles: 0 };
      loss[field] += grown;
      losses.set(s.agent, loss);
    }
  };
  read(METRICS.agentBufferDropped.name, "samples");
  read(METRICS.agentBufferCorruptFiles.name, "corruptFiles");
  return [...losses.values()].sort((a, b) => a.agent.localeCompare(b.agent));
}

/** A counter's newest value, read again at most every five minutes: most stay at zero for good. */
const newest = new WeakMap<History, Map<number, { value: number; at: number }>>();

function lastValue(history: History, seriesId: number, now: number): number {
  let known = newest.get(history);
  if (!known) {
    known = new Map();
    newest.set(history, known);
  }
  const seen = known.get(seriesId);
  if (seen && Math.abs(now - seen.at) < FIVE_MINUTES) return seen.value;
  const value = history.samples.last(seriesId)?.value ?? 0;
  known.set(seriesId, { value, at: now });
  return value;
}

/**
 * How much a counter grew from the bucket `first` on: the sum of its rises from one bucket's mean to
 * the next, starting from the last mean before `first` (or zero). A fall is the file replaced or
 * its counts lost, after which the counter starts again from zero.
 */
function increase(rows: readonly [number, number, number][], first: number): number {
  let before = 0;
  let grown = 0;
  for (const [, bucket, mean] of rows) {
    if (bucket < first) {
      before = mean;
      continue;
    }
    grown += mean >= before ? mean - before : mean;
    before = mean;
  }
  return Math.round(grown);
}
