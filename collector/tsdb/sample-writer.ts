// Writes agents' batches: results, samples and inventory of one batch in one transaction.

import { METRICS } from "../../shared/metrics.js";
import type { Batch, CheckResult } from "../../shared/protocol.js";
import type { AgentIdentity } from "../agents/registry.js";
import type { Db } from "../db/database.js";
import { InventoryWriter } from "../inspection/inventory.js";
import { decodeChunk } from "./chunk-codec.js";
import { chunkId, windowOf } from "./sample-reader.js";

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

export interface WriteOutcome {
  /** False when the batch's seq was stored before: nothing was written again. */
  stored: boolean;
  samples: StoredSample[];
}

/** What the derived history learns from each stored batch, told inside its transaction. */
export interface StoreHooks {
  /** A batch whose oldest sample is at `oldestTs` was stored for the unit. */
  stored?(unit: string, oldestTs: number): void;
  /** A check result was stored as a sample of the check's giamsat_check_up series. */
  result?(agent: AgentIdentity, seriesId: number, result: CheckResult): void;
  /** A sample was stored (duplicates are skipped), e.g. to queue it for remote_write. */
  sample?(seriesId: number, ts: number, value: number): void;
  /** A transaction in which the hooks above were called was rolled back. */
  rolledBack?(): void;
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
 * A series as the store keeps it. Agents send their series in a steady order, so the series that
 * followed this one in its agent's last batch is usually the one that follows it again: comparing
 * its labels costs far less than building a key to look it up.
 */
interface Known extends SeriesRef {
  readonly size: number;
  next: Known | undefined;
}

function knownSeries(id: number, agentId: number, metric: string, text: string): Known {
  const labels = JSON.parse(text) as Record<string, string>;
  return { id, agentId, metric, labels, size: Object.keys(labels).length, next: undefined };
}

/** True when the series has exactly these labels, in whatever order they come. */
function hasLabels(series: Known, labels: Readonly<Record<string, string>>): boolean {
  let count = 0;
  for (const name in labels) {
    // A label it lacks reads as undefined or as something inherited, never as the same string.
    if (series.labels[name] !== labels[name]) return false;
    count++;
  }
  return count === series.size;
}

export class SampleStore {
  readonly #series = new Map<string, Known>();
  /** The series each agent's last batch began with. */
  readonly #first = new Map<number, Known>();
  /** Series created by the transaction under way; forgotten again if it rolls back. */
  readonly #created: string[] = [];
  readonly #createdChecks: string[] = [];
  readonly #advanceSeq;
  readonly #insertBatch;
  readonly #insertSeries;
  readonly #selectSeries;
  readonly #insertSample;
  readonly #insertFailure;
  /** Checks known to be in the checks table as they are, so it is written only on a change. */
  readonly #knownChecks = new Set<string>();
  readonly #upsertCheck;
  readonly #inventory: InventoryWriter;
  readonly #write;

  constructor(
    private readonly db: Db,
    /** Rollups (to redo what late data changes) and incidents follow what is stored. */
    private readonly hooks: StoreHooks = {},
  ) {
    this.#advanceSeq = db.prepare(
      "UPDATE agents SET last_seq = ?, last_seen = ?, clock_offset_ms = ? WHERE id = ? AND last_seq < ?",
    );
    this.#insertBatch = db.prepare(
      "INSERT INTO batches (agent_id, seq, received_at, clock_offset_ms, samples) VALUES (?, ?, ?, ?, ?)",
    );
    this.#insertSeries = db.prepare(
      "INSERT INTO series (agent_id, metric, labels) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectSeries = db.prepare(
      "SELECT id FROM series WHERE agent_id = ? AND metric = ? AND labels = ?",
    );
    this.#insertSample = db.prepare(
      "INSERT INTO samples (agent_id, ts, series_id, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#insertFailure = db.prepare(
      "INSERT INTO failures (agent_id, check_name, ts, reason, message) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#upsertCheck = db.prepare(`
      INSERT INTO checks (agent_id, name, category, kind, first_seen) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (agent_id, name) DO UPDATE SET category = excluded.category, kind = excluded.kind,
        first_seen = min(first_seen, excluded.first_seen)`);
    this.#inventory = new InventoryWriter(db);
    this.#write = db.transaction(this.#writeBatch.bind(this));
  }

  /** Stores the batch unless its seq is not above the agent's last stored seq. */
  write(agent: AgentIdentity, batch: Batch, receivedAt: number): WriteOutcome {
    this.#created.length = 0;
    this.#createdChecks.length = 0;
    try {
      return this.#write(agent, batch, receivedAt);
    } catch (error) {
      for (const key of this.#created) this.#series.delete(key);
      for (const key of this.#createdChecks) this.#knownChecks.delete(key);
      this.#forgetOrder();
      this.hooks.rolledBack?.();
      throw error;
    }
  }

  #writeBatch(agent: AgentIdentity, batch: Batch, receivedAt: number): WriteOutcome {
    const offset = batch.sentAt - receivedAt;
    const advanced = this.#advanceSeq.run(
      batch.seq,
      receivedAt,
      offset,
      agent.id,
      batch.seq,
    ).changes;
    if (advanced === 0) return { stored: false, samples: [] };
    const stored: StoredSample[] = [];
    let oldest = Number.POSITIVE_INFINITY;
    let previous: Known | undefined;
    for (const result of batch.results) {
      const up = result.up ? 1 : 0;
      if (result.ts < oldest) oldest = result.ts;
      if (!result.up) {
        this.#insertFailure.run(
          agent.id,
          result.check,
          result.ts,
          result.reason ?? "error",
          result.message ?? null,
        );
      }
      const checkKey = `${agent.id}\u0000${result.check}\u0000${result.category}\u0000${result.kind}`;
      if (!this.#knownChecks.has(checkKey)) {
        this.#upsertCheck.run(agent.id, result.check, result.category, result.kind, result.ts);
        this.#knownChecks.add(checkKey);
        this.#createdChecks.push(checkKey);
      }
      // The check's own series are derived here, so agents do not send them twice.
      const labels = { category: result.category, check: result.check, kind: result.kind };
      const series = this.#after(previous, agent.id, METRICS.checkUp.name, labels);
      this.#add(stored, series, result.ts, up);
      this.hooks.result?.(agent, series.id, result);
      previous = this.#after(series, agent.id, METRICS.checkDuration.name, labels);
      this.#add(stored, previous, result.ts, result.duration);
    }
    for (const sample of batch.samples) {
      if (sample.ts < oldest) oldest = sample.ts;
      previous = this.#after(previous, agent.id, sample.metric, sample.labels);
      this.#add(stored, previous, sample.ts, sample.value);
    }
    if (stored.length > 0) this.hooks.stored?.(agent.unit, oldest);
    for (const item of batch.inventory ?? []) {
      this.#inventory.write(agent.id, item.check, item.kind, item.ts, item.data);
    }
    this.#insertBatch.run(agent.id, batch.seq, receivedAt, offset, stored.length);
    agent.lastSeq = batch.seq;
    return { stored: true, samples: stored };
  }

  #add(out: StoredSample[], series: SeriesRef, ts: number, value: number): void {
    if (this.#insertSample.run(series.agentId, ts, series.id, value).changes > 0) {
      this.hooks.sample?.(series.id, ts, value);
    }
    out.push({ series, ts, value });
  }

  /** The series for these labels, looked for first where the agent's last batch had it. */
  #after(
    previous: Known | undefined,
    agentId: number,
    metric: string,
    labels: Readonly<Record<string, string>>,
  ): Known {
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
    this.#knownChecks.clear();
    this.hooks.rolledBack?.();
  }

  /** The series for these labels, created on first sight. */
  series(agentId: number, metric: string, labels: Readonly<Record<string, string>>): Known {
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

  /** The newest sample of every series whose newest sample is at or after `since`. */
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
