// Stores an agent's batch, all of it in one transaction: the seq it advances to, its check results
// (each a sample of the check's giamsat_check_up and duration series, failures with their reason),
// its samples, its inventories, and a row saying when it arrived. What the collector does not take
// (allow-list.ts, a timestamp ahead of its clock, a series cap: series-budget.ts) is left out and
// counted, result by result and sample by sample.
import { METRICS } from "../../shared/metrics.js";
import { type Batch, type CheckResult, MAX_AHEAD_MS } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import { InventoryWriter } from "../inspection/inventory.js";
import { type KnownSeries, SampleWriter, type StoredSample } from "../tsdb/index.js";
import { judgeSample } from "./allow-list.js";
import { Refusals } from "./refusals.js";
import type { AgentIdentity } from "./registry.js";
import type { SeriesBudget, SeriesLimit } from "./series-budget.js";

export interface WriteOutcome {
  /** False when the batch's seq was stored before: nothing was written again. */
  stored: boolean;
  samples: StoredSample[];
  /** What was left out of a stored batch. */
  refused: Refusals;
}

/** Why a series cap refused a new series, for the agent's log. */
function capMessage(limit: SeriesLimit, budget: SeriesBudget): string {
  return limit === "agent_series_limit"
    ? `the agent has as many series as limits.seriesPerAgent allows (${budget.limits.perAgent}); new series are refused`
    : `the collector has as many series as limits.seriesPerCollector allows (${budget.limits.perCollector}); new series are refused`;
}

function ahead(ts: number, receivedAt: number): string | undefined {
  return ts > receivedAt + MAX_AHEAD_MS
    ? `${new Date(ts).toISOString()} is ahead of the collector's clock by more than ${MAX_AHEAD_MS / 60_000} minutes`
    : undefined;
}

/** What the derived history learns from each stored batch, told inside its transaction. */
export interface StoreHooks {
  /** A batch whose oldest sample is at `oldestTs` was stored for the unit. */
  stored?(unit: string, oldestTs: number): void;
  /** A check result was stored as a sample of the check's giamsat_check_up series. */
  result?(agent: { id: number; unit: string }, seriesId: number, result: CheckResult): void;
  /** A check of the agent was stored with a new category, kind or dependsOn. */
  checkChanged?(agentId: number): void;
  /** A sample was stored (duplicates are skipped), e.g. to queue it for remote_write. */
  sample?(seriesId: number, ts: number, value: number): void;
  /** A transaction in which the hooks above were called was rolled back. */
  rolledBack?(): void;
}

export class BatchStore {
  readonly #samples: SampleWriter;
  readonly #createdChecks: string[] = [];
  readonly #advanceSeq;
  readonly #insertBatch;
  readonly #insertFailure;
  /** Checks known to be in the checks table as they are, so it is written only on a change. */
  readonly #knownChecks = new Set<string>();
  readonly #upsertCheck;
  readonly #inventory: InventoryWriter;
  readonly #write;

  constructor(
    db: Db,
    /** Rollups (to redo what late data changes) and incidents follow what is stored. */
    private readonly hooks: StoreHooks = {},
    /** The series caps; none when absent (tools and tests that write a store directly). */
    private readonly budget?: SeriesBudget,
  ) {
    this.#samples = new SampleWriter(db, hooks.sample);
    this.#advanceSeq = db.prepare(
      "UPDATE agents SET last_seq = ?, last_seen = ?, clock_offset_ms = ? WHERE id = ? AND last_seq < ?",
    );
    this.#insertBatch = db.prepare(
      "INSERT INTO batches (agent_id, seq, received_at, clock_offset_ms, samples) VALUES (?, ?, ?, ?, ?)",
    );
    this.#insertFailure = db.prepare(
      "INSERT INTO failures (agent_id, check_name, ts, reason, message) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#upsertCheck = db.prepare(`
      INSERT INTO checks (agent_id, name, category, kind, first_seen, depends_on) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (agent_id, name) DO UPDATE SET category = excluded.category, kind = excluded.kind,
        first_seen = min(first_seen, excluded.first_seen), depends_on = excluded.depends_on`);
    this.#inventory = new InventoryWriter(db);
    this.#write = db.transaction(this.#writeBatch.bind(this));
  }

  /** Stores the batch unless its seq is not above the agent's last stored seq. */
  write(agent: AgentIdentity, batch: Batch, receivedAt: number): WriteOutcome {
    this.#samples.begin();
    this.#createdChecks.length = 0;
    // Before anything of the batch is written, so that a rollback undoes this batch's counts only.
    this.budget?.begin(agent.id, 2 * batch.results.length + batch.samples.length);
    try {
      return this.#write(agent, batch, receivedAt);
    } catch (error) {
      this.#samples.rolledBack();
      this.budget?.rolledBack();
      for (const key of this.#createdChecks) this.#knownChecks.delete(key);
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
    const refused = new Refusals();
    if (advanced === 0) return { stored: false, samples: [], refused };
    const samples = this.#samples;
    const budget = this.budget;
    const stored: StoredSample[] = [];
    let oldest = Number.POSITIVE_INFINITY;
    let previous: KnownSeries | undefined;
    for (const [i, result] of batch.results.entries()) {
      // The check's own series are derived here, so agents do not send them twice.
      const labels = { category: result.category, check: result.check, kind: result.kind };
      const future = ahead(result.ts, receivedAt);
      if (future) {
        refused.add("future_timestamp", 2, `results[${i}].ts: ${future}`);
        continue;
      }
      const limit = budget?.admit(METRICS.checkUp.name, labels, METRICS.checkDuration.name);
      if (limit && budget) {
        refused.add(limit, 2, `results[${i}]: ${capMessage(limit, budget)}`);
        continue;
      }
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
      const parents = result.dependsOn ? JSON.stringify(result.dependsOn) : null;
      const checkKey = `${agent.id}\u0000${result.check}\u0000${result.category}\u0000${result.kind}\u0000${parents}`;
      if (!this.#knownChecks.has(checkKey)) {
        this.#upsertCheck.run(
          agent.id,
          result.check,
          result.category,
          result.kind,
          result.ts,
          parents,
        );
        this.hooks.checkChanged?.(agent.id);
        this.#knownChecks.add(checkKey);
        this.#createdChecks.push(checkKey);
      }
      const series = samples.next(previous, agent.id, METRICS.checkUp.name, labels);
      budget?.written(series);
      samples.add(stored, series, result.ts, up);
      this.hooks.result?.(agent, series.id, result);
      previous = samples.next(series, agent.id, METRICS.checkDuration.name, labels);
      budget?.written(previous);
      samples.add(stored, previous, result.ts, result.duration);
    }
    for (const [i, sample] of batch.samples.entries()) {
      const judged = judgeSample(sample);
      if (judged) {
        refused.add(judged.reason, 1, `samples[${i}]: ${judged.why}`);
        continue;
      }
      const future = ahead(sample.ts, receivedAt);
      if (future) {
        refused.add("future_timestamp", 1, `samples[${i}].ts: ${future}`);
        continue;
      }
      const limit = budget?.admit(sample.metric, sample.labels);
      if (limit && budget) {
        refused.add(limit, 1, `samples[${i}]: ${capMessage(limit, budget)}`);
        continue;
      }
      if (sample.ts < oldest) oldest = sample.ts;
      previous = samples.next(previous, agent.id, sample.metric, sample.labels);
      budget?.written(previous);
      samples.add(stored, previous, sample.ts, sample.value);
    }
    if (stored.length > 0) this.hooks.stored?.(agent.unit, oldest);
    for (const item of batch.inventory ?? []) {
      // An inventory is what the agent found then: one dated ahead is taken as of its arrival.
      const ts = ahead(item.ts, receivedAt) ? receivedAt : item.ts;
      this.#inventory.write(agent.id, item.check, item.kind, ts, item.data);
    }
    this.#insertBatch.run(agent.id, batch.seq, receivedAt, offset, stored.length);
    agent.lastSeq = batch.seq;
    return { stored: true, samples: stored, refused };
  }

  /** Forgets cached series ids and checks, after a transaction that created some was rolled back. */
  forgetSeries(): void {
    this.#samples.forgetSeries();
    this.budget?.reload();
    this.#knownChecks.clear();
    this.hooks.rolledBack?.();
  }

  /** The newest sample of every series heard from since `since` (the exposition at start-up). */
  latest(since: number): StoredSample[] {
    return this.#samples.latest(since);
  }
}
