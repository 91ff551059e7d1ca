// Caps on series, per agent (limits.seriesPerAgent) and for the whole collector
// (limits.seriesPerCollector): every series costs memory (the writer's and the catalog's caches,
// its line on /metrics), so the caps are what bounds the collector's memory whatever agents send.
// A series counts as long as the store keeps it: the store never deletes one.
//
// Looking every sample up in a set of its agent's series would cost ingest a good share of its
// speed. So a batch that cannot reach a cap even if every series in it were new is written as it
// comes, and the series it created are counted afterwards by their ids (the store numbers a new
// series above every existing one). Only a batch that might pass a cap is checked series by
// series, against its agent's series read from the database once and kept up to date from then on.
import type { Db } from "../db/database.js";
import type { SeriesRef } from "../tsdb/index.js";

export type SeriesLimit = "agent_series_limit" | "collector_series_limit";

export interface SeriesLimits {
  perAgent: number;
  perCollector: number;
}

type Labels = Readonly<Record<string, string>>;

/** A series' identity: its metric and its labels in name order. */
function seriesKey(metric: string, labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `${metric}${JSON.stringify(names.map((name) => [name, labels[name]]))}`;
}

export class SeriesBudget {
  #total = 0;
  #maxId = 0;
  readonly #counts = new Map<number, number>();
  /** The series of agents checked series by series, by key. */
  readonly #known = new Map<number, Set<string>>();
  /** The batch being written: its agent, whether it is checked series by series, and its undo. */
  #batch = { agentId: 0, strict: false, total: 0, count: 0, maxId: 0, added: [] as string[] };
  readonly #countAll;
  readonly #keysOf;

  constructor(
    db: Db,
    readonly limits: SeriesLimits,
  ) {
    this.#countAll = db.prepare(
      "SELECT agent_id AS agentId, count(*) AS n, max(id) AS maxId FROM series GROUP BY agent_id",
    );
    this.#keysOf = db.prepare("SELECT metric, labels FROM series WHERE agent_id = ?");
    this.reload();
  }

  /** Series the store holds, of every agent. */
  get total(): number {
    return this.#total;
  }

  /** Reads the counts from the database again, e.g. after a commit failed. */
  reload(): void {
    this.#total = 0;
    this.#maxId = 0;
    this.#counts.clear();
    this.#known.clear();
    for (const row of this.#countAll.all() as { agentId: number; n: number; maxId: number }[]) {
      this.#counts.set(row.agentId, row.n);
      this.#total += row.n;
      this.#maxId = Math.max(this.#maxId, row.maxId);
    }
  }

  /** A batch of the agent begins that may create up to `newSeries` series. */
  begin(agentId: number, newSeries: number): void {
    const count = this.#counts.get(agentId) ?? 0;
    const strict =
      count + newSeries > this.limits.perAgent ||
      this.#total + newSeries > this.limits.perCollector;
    this.#batch = { agentId, strict, total: this.#total, count, maxId: this.#maxId, added: [] };
    if (strict && !this.#known.has(agentId)) {
      const keys = new Set<string>();
      for (const row of this.#keysOf.iterate(agentId) as Iterable<{
        metric: string;
        labels: string;
      }>) {
        keys.add(seriesKey(row.metric, JSON.parse(row.labels) as Labels));
      }
      this.#known.set(agentId, keys);
    }
  }

  /**
   * Before series of the batch's agent are written: undefined when they may be (they exist, or
   * both caps leave room for the new ones among them), else the cap they would pass.
   */
  admit(metric: string, labels: Labels, alsoMetric?: string): SeriesLimit | undefined {
    const batch = this.#batch;
    if (!batch.strict) return undefined;
    const known = this.#known.get(batch.agentId) as Set<string>;
    const keys = [seriesKey(metric, labels)];
    if (alsoMetric !== undefined) keys.push(seriesKey(alsoMetric, labels));
    const fresh = keys.filter((key) => !known.has(key));
    if (fresh.length === 0) return undefined;
    const count = this.#counts.get(batch.agentId) ?? 0;
    if (count + fresh.length > this.limits.perAgent) return "agent_series_limit";
    if (this.#total + fresh.length > this.limits.perCollector) return "collector_series_limit";
    for (const key of fresh) {
      known.add(key);
      batch.added.push(key);
    }
    this.#counts.set(batch.agentId, count + fresh.length);
    this.#total += fresh.length;
    return undefined;
  }

  /** A series of the batch's agent was written: counted when it is new (and not admitted above). */
  written(series: SeriesRef): void {
    if (series.id <= this.#maxId) return;
    this.#maxId = series.id;
    const batch = this.#batch;
    if (batch.strict) return;
    this.#counts.set(batch.agentId, (this.#counts.get(batch.agentId) ?? 0) + 1);
    this.#total++;
    const known = this.#known.get(batch.agentId);
    if (known) {
      const key = seriesKey(series.metric, series.labels);
      known.add(key);
      batch.added.push(key);
    }
  }

  /** The batch begun last was rolled back: what it added is gone. */
  rolledBack(): void {
    const batch = this.#batch;
    const known = this.#known.get(batch.agentId);
    for (const key of batch.added) known?.delete(key);
    this.#counts.set(batch.agentId, batch.count);
    this.#total = batch.total;
    this.#maxId = batch.maxId;
    batch.added = [];
  }
}
