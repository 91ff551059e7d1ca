// Reading raw samples wherever they are: the head (the samples table, one row per sample, where
// ingest writes), the compressed chunks that compaction moves closed 2-hour windows into, and the
// chunks of whole days those are merged into once the day is over (day-merge.ts).

import { decodeChunk, type Samples } from "./chunk-codec.js";
import { chunkId, dayOf, seriesOfChunk, windowOf } from "./chunk-ids.js";
import type { Db } from "./sqlite.js";

/** Merges two time-sorted sample lists; a ts in both keeps the first list's sample. */
export function mergeSamples(first: Samples, second: Samples): Samples {
  if (second.ts.length === 0) return first;
  if (first.ts.length === 0) return second;
  const ts: number[] = [];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < first.ts.length || j < second.ts.length) {
    const a = first.ts[i];
    const b = second.ts[j];
    if (b === undefined || (a !== undefined && a <= b)) {
      ts.push(a as number);
      values.push(first.values[i] as number);
      if (a === b) j++;
      i++;
    } else {
      ts.push(b);
      values.push(second.values[j] as number);
      j++;
    }
  }
  return { ts, values };
}

/** The samples with a <= ts < b of a time-sorted list. */
export function slice(samples: Samples, a: number, b: number): Samples {
  const { ts, values } = samples;
  let lo = 0;
  while (lo < ts.length && (ts[lo] as number) < a) lo++;
  let hi = lo;
  while (hi < ts.length && (ts[hi] as number) < b) hi++;
  return { ts: ts.slice(lo, hi), values: values.slice(lo, hi) };
}

export class SampleReader {
  readonly #agentOf;
  readonly #agents = new Map<number, number>();
  readonly #chunksIn;
  readonly #headLastBefore;
  readonly #chunksBackward;
  readonly #head;
  readonly #agentHead;
  readonly #headLast;
  readonly #lastChunk;
  readonly #headFirst;
  readonly #firstChunk;
  readonly #daysIn;
  readonly #daysBackward;
  readonly #lastDay;
  readonly #firstDay;

  constructor(
    db: Db,
    /**
     * How far compaction and the merge of days have got (ms): no 2-hour chunk holds a sample at or
     * after the first, no day chunk at or after the second, so a read of newer samples (the usual:
     * the last minutes) asks for none. Without them every read looks in every table.
     */
    private readonly bounds: { chunks(): number; days(): number } = {
      chunks: () => Number.POSITIVE_INFINITY,
      days: () => Number.POSITIVE_INFINITY,
    },
  ) {
    this.#agentOf = db.prepare("SELECT agent_id FROM series WHERE id = ?").pluck();
    // Chunks of several series, each its own range of ids ([[first, last], ...] as JSON). CROSS
    // JOIN keeps the ranges outside, so each is a rowid search (a plain join scans chunks), and
    // the rows come range by range, each in id order.
    this.#chunksIn = db
      .prepare(
        "SELECT c.id, c.data FROM json_each(?) AS r CROSS JOIN chunks c ON c.id >= r.value ->> 0 AND c.id <= r.value ->> 1",
      )
      .raw();
    // The head is keyed (agent, ts, series): one series' samples are read from its agent's rows.
    this.#head = db
      .prepare(
        "SELECT ts, value FROM samples WHERE agent_id = ? AND ts >= ? AND ts < ? AND series_id = ? ORDER BY ts",
      )
      .raw();
    // Only the series asked for reach JavaScript: an agent's checks are a third of its series.
    this.#agentHead = db
      .prepare(
        "SELECT series_id, ts, value FROM samples WHERE agent_id = ? AND ts >= ? AND ts < ? AND series_id IN (SELECT value FROM json_each(?)) ORDER BY ts",
      )
      .raw();
    this.#headLast = db.prepare(
      "SELECT ts, value FROM samples WHERE agent_id = ? AND series_id = ? ORDER BY ts DESC LIMIT 1",
    );
    this.#headLastBefore = db.prepare(
      "SELECT ts, value FROM samples WHERE agent_id = ? AND series_id = ? AND ts >= ? AND ts < ? ORDER BY ts DESC LIMIT 1",
    );
    this.#chunksBackward = db
      .prepare("SELECT data FROM chunks WHERE id >= ? AND id <= ? ORDER BY id DESC")
      .pluck();
    this.#headFirst = db
      .prepare("SELECT ts FROM samples WHERE agent_id = ? AND series_id = ? ORDER BY ts LIMIT 1")
      .pluck();
    this.#lastChunk = db.prepare(
      "SELECT data FROM chunks WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1",
    );
    this.#firstChunk = db
      .prepare("SELECT data FROM chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT 1")
      .pluck();
    this.#daysIn = db
      .prepare(
        "SELECT c.id, c.data FROM json_each(?) AS r CROSS JOIN day_chunks c ON c.id >= r.value ->> 0 AND c.id <= r.value ->> 1",
      )
      .raw();
    this.#daysBackward = db
      .prepare("SELECT data FROM day_chunks WHERE id >= ? AND id <= ? ORDER BY id DESC")
      .pluck();
    this.#lastDay = db
      .prepare("SELECT data FROM day_chunks WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1")
      .pluck();
    this.#firstDay = db
      .prepare("SELECT data FROM day_chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT 1")
      .pluck();
  }

  #agent(seriesId: number): number {
    let agent = this.#agents.get(seriesId);
    if (agent === undefined) {
      agent = (this.#agentOf.get(seriesId) as number | undefined) ?? -1;
      this.#agents.set(seriesId, agent);
    }
    return agent;
  }

  /** Samples of the series with from <= ts < to, in time order. */
  read(seriesId: number, from: number, to: number): Samples {
    const head: Samples = { ts: [], values: [] };
    for (const [ts, value] of this.#head.iterate(
      this.#agent(seriesId),
      from,
      to,
      seriesId,
    ) as Iterable<[number, number]>) {
      head.ts.push(ts);
      head.values.push(value);
    }
    // A sample compacted first wins over one that reached the head later with the same ts.
    return mergeSamples(this.#compacted(seriesId, from, to), head);
  }

  /**
   * Samples of several series of one agent in [from, to): the agent's head rows are read once,
   * which is cheaper than one read per series when they are most of its series.
   */
  readAgent(
    agentId: number,
    seriesIds: readonly number[],
    from: number,
    to: number,
  ): Map<number, Samples> {
    const heads = new Map<number, Samples>();
    for (const id of seriesIds) heads.set(id, { ts: [], values: [] });
    const rows = this.#agentHead.all(agentId, from, to, JSON.stringify(seriesIds)) as [
      number,
      number,
      number,
    ][];
    for (const [id, ts, value] of rows) {
      const head = heads.get(id);
      if (head) {
        head.ts.push(ts);
        head.values.push(value);
      }
    }
    const compacted = this.#compactedMany(seriesIds, from, to);
    const out = new Map<number, Samples>();
    for (const [id, head] of heads) {
      out.set(id, mergeSamples(compacted.get(id) ?? { ts: [], values: [] }, head));
    }
    return out;
  }

  /**
   * #compacted of several series in one query of each chunk table: one statement run, not one per
   * series. Days merged from 2-hour chunks come first; a 2-hour chunk of a merged day holds only
   * samples that arrived after the merge.
   */
  #compactedMany(seriesIds: readonly number[], from: number, to: number): Map<number, Samples> {
    const out = new Map<number, Samples>();
    if (to <= from || seriesIds.length === 0) return out;
    const [first, last] = [windowOf(from), windowOf(to - 1)];
    const none = new Map<number, Samples>();
    const days =
      from >= this.bounds.days()
        ? none
        : this.#collect(
            this.#daysIn,
            seriesIds.map((id) => [chunkId(id, dayOf(first)), chunkId(id, dayOf(last))]),
            from,
            to,
          );
    const windows =
      from >= this.bounds.chunks()
        ? none
        : this.#collect(
            this.#chunksIn,
            seriesIds.map((id) => [chunkId(id, first), chunkId(id, last)]),
            from,
            to,
          );
    for (const id of new Set([...days.keys(), ...windows.keys()])) {
      const day = days.get(id) ?? { ts: [], values: [] };
      out.set(id, mergeSamples(day, windows.get(id) ?? { ts: [], values: [] }));
    }
    return out;
  }

  /** The samples in [from, to) of the chunks in the ranges, by series, each in time order. */
  #collect(
    statement: { all(ranges: string): unknown[] },
    ranges: number[][],
    from: number,
    to: number,
  ): Map<number, Samples> {
    const out = new Map<number, Samples>();
    const rows = statement.all(JSON.stringify(ranges)) as [number, Uint8Array][];
    for (const [id, data] of rows) {
      const series = seriesOfChunk(id);
      let samples = out.get(series);
      if (!samples) {
        samples = { ts: [], values: [] };
        out.set(series, samples);
      }
      const chunk = decodeChunk(data);
      for (let i = 0; i < chunk.ts.length; i++) {
        const ts = chunk.ts[i] as number;
        if (ts >= from && ts < to) {
          samples.ts.push(ts);
          samples.values.push(chunk.values[i] as number);
        }
      }
    }
    return out;
  }

  /** Samples of any series in [from, to), read agent by agent. */
  readMany(
    series: readonly { id: number; agentId: number }[],
    from: number,
    to: number,
  ): Map<number, Samples> {
    const byAgent = new Map<number, number[]>();
    for (const s of series) {
      const ids = byAgent.get(s.agentId);
      if (ids) ids.push(s.id);
      else byAgent.set(s.agentId, [s.id]);
    }
    const out = new Map<number, Samples>();
    for (const [agent, ids] of byAgent) {
      for (const [id, samples] of this.readAgent(agent, ids, from, to)) out.set(id, samples);
    }
    return out;
  }

  #compacted(seriesId: number, from: number, to: number): Samples {
    return this.#compactedMany([seriesId], from, to).get(seriesId) ?? { ts: [], values: [] };
  }

  /** The newest sample in [from, before), reading back only as far as it must. */
  lastBefore(
    seriesId: number,
    from: number,
    before: number,
  ): { ts: number; value: number } | undefined {
    if (before <= from) return undefined;
    let best = this.#headLastBefore.get(this.#agent(seriesId), seriesId, from, before) as
      | { ts: number; value: number }
      | undefined;
    const [first, last] = [windowOf(from), windowOf(before - 1)];
    for (const [statement, low, high, bound] of [
      [
        this.#chunksBackward,
        chunkId(seriesId, first),
        chunkId(seriesId, last),
        this.bounds.chunks(),
      ],
      [
        this.#daysBackward,
        chunkId(seriesId, dayOf(first)),
        chunkId(seriesId, dayOf(last)),
        this.bounds.days(),
      ],
    ] as const) {
      // No chunk of the table holds a sample at or after its bound: none is newer than the one
      // found (a certificate's expiry in the head spares decoding a day of its samples).
      if (best && best.ts >= bound) continue;
      for (const data of statement.iterate(low, high) as Iterable<Uint8Array>) {
        const chunk = decodeChunk(data);
        let found = false;
        for (let i = chunk.ts.length - 1; i >= 0; i--) {
          const ts = chunk.ts[i] as number;
          if (ts >= before) continue;
          if (ts >= from && (!best || ts > best.ts))
            best = { ts, value: chunk.values[i] as number };
          found = true;
          break;
        }
        // Chunks of a table hold consecutive times: the first with a sample before `before` wins.
        if (found) break;
      }
    }
    return best;
  }

  /** The newest sample of the series. */
  last(seriesId: number): { ts: number; value: number } | undefined {
    let best = this.#headLast.get(this.#agent(seriesId), seriesId) as
      | { ts: number; value: number }
      | undefined;
    const range = [chunkId(seriesId, 0), chunkId(seriesId + 1, 0)] as const;
    const window = this.#lastChunk.get(...range) as { data: Uint8Array } | undefined;
    const day = this.#lastDay.get(...range) as Uint8Array | undefined;
    for (const data of [window?.data, day]) {
      if (!data) continue;
      const chunk = decodeChunk(data);
      const n = chunk.ts.length - 1;
      const ts = chunk.ts[n];
      if (ts !== undefined && (!best || ts > best.ts)) {
        best = { ts, value: chunk.values[n] as number };
      }
    }
    return best;
  }

  /** Time of the oldest sample of the series. */
  firstTs(seriesId: number): number | undefined {
    const range = [chunkId(seriesId, 0), chunkId(seriesId + 1, 0)] as const;
    const firsts = [
      this.#headFirst.get(this.#agent(seriesId), seriesId) as number | undefined,
      ...[this.#firstChunk.get(...range), this.#firstDay.get(...range)].map((data) =>
        data ? decodeChunk(data as Uint8Array).ts[0] : undefined,
      ),
    ].filter((ts): ts is number => ts !== undefined);
    return firsts.length === 0 ? undefined : Math.min(...firsts);
  }
}
