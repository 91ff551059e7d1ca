// Writes samples into the head (one row per sample, keyed by agent and time, where compaction
// later finds them), each at its metric's precision (precision.ts), and finds or creates the
// series they belong to.
import { decodeChunk } from "./chunk-codec.js";
import { chunkId, windowOf } from "./chunk-ids.js";
import { quantize, scaleOf } from "./precision.js";
import type { Db } from "./sqlite.js";

/** One series as the collector knows it; the object is shared, so other parts may cache on it. */
export interface SeriesRef {
  readonly id: number;
  readonly agentId: number;
  readonly metric: string;
  /** Labels other than unit and agent, keys sorted. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface StoredSample {
  series: SeriesRef;
  ts: number;
  value: number;
}

export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  let out = "{";
  for (const [i, key] of keys.entries()) {
    out += `${i ? "," : ""}${JSON.stringify(key)}:${JSON.stringify(labels[key])}`;
  }
  return `${out}}`;
}

/**
 * A series as the writer keeps it. Agents send their series in a steady order, so the series that
 * followed this one in its agent's last batch is usually the one that follows it again: comparing
 * its labels costs far less than building a key to look it up.
 */
export interface KnownSeries extends SeriesRef {
  readonly size: number;
  /** 10^decimals of the metric's precision; undefined keeps values as they come. */
  readonly scale: number | undefined;
  next: KnownSeries | undefined;
}

function knownSeries(id: number, agentId: number, metric: string, text: string): KnownSeries {
  const labels = JSON.parse(text) as Record<string, string>;
  return {
    id,
    agentId,
    metric,
    labels,
    size: Object.keys(labels).length,
    scale: scaleOf(metric),
    next: undefined,
  };
}

/** True when the series has exactly these labels, in whatever order they come. */
function hasLabels(series: KnownSeries, labels: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const name in labels) {
    // A label it lacks reads as undefined or as something inherited, never as the same string.
    if (series.labels[name] !== labels[name]) return false;
    count++;
  }
  return count === series.size;
}

export class SampleWriter {
  readonly #series = new Map<string, KnownSeries>();
  /** The series each agent's last batch began with. */
  readonly #first = new Map<number, KnownSeries>();
  /** Series created by the transaction under way; forgotten again if it rolls back. */
  readonly #created: string[] = [];
  readonly #insertSeries;
  readonly #selectSeries;
  readonly #insertSample;

  constructor(
    private readonly db: Db,
    /** Told each sample stored (duplicates are skipped), inside the transaction that stores it. */
    private readonly onSample?: (seriesId: number, ts: number, value: number) => void,
  ) {
    this.#insertSeries = db.prepare(
      "INSERT INTO series (agent_id, metric, labels) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectSeries = db.prepare(
      "SELECT id FROM series WHERE agent_id = ? AND metric = ? AND labels = ?",
    );
    this.#insertSample = db.prepare(
      "INSERT INTO samples (agent_id, ts, series_id, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
  }

  /** A transaction that writes begins: what it creates is forgotten if it rolls back. */
  begin(): void {
    this.#created.length = 0;
  }

  /** The transaction begun last was rolled back: the series it created are gone. */
  rolledBack(): void {
    for (const key of this.#created) this.#series.delete(key);
    this.#forgetOrder();
  }

  /**
   * Stores one sample at its metric's precision (a second one of the series at the same ts is
   * skipped) and lists it as stored.
   */
  add(out: StoredSample[], series: KnownSeries, ts: number, measured: number): void {
    const value = quantize(measured, series.scale);
    if (this.#insertSample.run(series.agentId, ts, series.id, value).changes > 0) {
      this.onSample?.(series.id, ts, value);
    }
    out.push({ series, ts, value });
  }

  /**
   * The series for these labels, looked for first where the agent's last batch had it: after
   * `previous`, or first of the agent's batch when there is none.
   */
  next(
    previous: KnownSeries | undefined,
    agentId: number,
    metric: string,
    labels: Readonly<Record<string, string>>,
  ): KnownSeries {
    const expected = previous ? previous.next : this.#first.get(agentId);
    if (expected !== undefined && expected.metric === metric && hasLabels(expected, labels)) {
      return expected;
    }
    const series = this.series(agentId, metric, labels);
    if (previous) previous.next = series;
    else this.#first.set(agentId, series);
    return series;
  }

  /** After a rollback: the order learnt may lead to series that are no longer there. */
  #forgetOrder(): void {
    this.#first.clear();
    for (const series of this.#series.values()) series.next = undefined;
  }

  /** Forgets cached series ids, after a transaction that created some was rolled back. */
  forgetSeries(): void {
    this.#forgetOrder();
    this.#series.clear();
  }

  /** The series for these labels, created on first sight. */
  series(agentId: number, metric: string, labels: Readonly<Record<string, string>>): KnownSeries {
    // Agents send labels in a steady order, so the key in arrival order almost always hits and
    // the canonical (sorted) form is only built for a series not seen in this order before.
    const fastKey = `${agentId}\u0000${metric}\u0000${JSON.stringify(labels)}`;
    const hit = this.#series.get(fastKey);
    if (hit) return hit;
    const text = canonicalLabels(labels);
    const key = `${agentId}\u0000${metric}\u0000${text}`;
    let ref = this.#series.get(key);
    if (!ref) {
      this.#insertSeries.run(agentId, metric, text);
      const row = this.#selectSeries.get(agentId, metric, text) as { id: number };
      ref = knownSeries(row.id, agentId, metric, text);
      this.#series.set(key, ref);
      this.#created.push(key);
    }
    this.#series.set(fastKey, ref);
    this.#created.push(fastKey);
    return ref;
  }

  /**
   * The newest sample of every series whose newest sample is at or after `since`, as the series
   * objects writes use: a reader of them (the exposition) and the writer share one object each.
   */
  latest(since: number): StoredSample[] {
    type Row = {
      id: number;
      agentId: number;
      metric: string;
      labels: string;
      ts: number;
      value: number;
    };
    const newest = new Map<number, Row>();
    // Each agent's recent head rows in time order: the last seen of a series is its newest.
    const head = this.db
      .prepare(`
        SELECT s.id, s.agent_id AS agentId, s.metric, s.labels, l.ts, l.value
        FROM agents a JOIN samples l ON l.agent_id = a.id AND l.ts >= ?
          JOIN series s ON s.id = l.series_id
        ORDER BY l.agent_id, l.ts`)
      .iterate(since) as IterableIterator<Row>;
    for (const row of head) newest.set(row.id, row);
    // Series whose newest samples were already compacted (a staleness longer than the head keeps).
    const compacted = this.db
      .prepare(`
        SELECT s.id, s.agent_id AS agentId, s.metric, s.labels, c.data
        FROM series s JOIN chunks c ON c.id = (SELECT max(id) FROM chunks
          WHERE id >= s.id * @span AND id < (s.id + 1) * @span)
        WHERE c.id - s.id * @span >= @window`)
      .all({ span: chunkId(1, 0), window: windowOf(since) }) as (Omit<Row, "ts" | "value"> & {
      data: Uint8Array;
    })[];
    for (const { data, ...row } of compacted) {
      const chunk = decodeChunk(data);
      const last = chunk.ts.length - 1;
      const ts = chunk.ts[last];
      if (ts === undefined || ts < since) continue;
      const known = newest.get(row.id);
      if (!known || known.ts < ts)
        newest.set(row.id, { ...row, ts, value: chunk.values[last] as number });
    }
    return [...newest.values()].map((row) => {
      const key = `${row.agentId}\u0000${row.metric}\u0000${row.labels}`;
      let series = this.#series.get(key);
      if (!series) {
        series = knownSeries(row.id, row.agentId, row.metric, row.labels);
        this.#series.set(key, series);
      }
      return { series, ts: row.ts, value: row.value };
    });
  }
}
