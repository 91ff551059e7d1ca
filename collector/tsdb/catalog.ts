// Every series with its unit and agent, kept in memory for the background jobs and the API, and
// the checks (their giamsat_check_up series) with the usual interval between their results.
import { METRICS } from "../../shared/metrics.js";
import type { Db } from "./sqlite.js";

/** A series as the background jobs need it; labels are kept for checks only (memory). */
export interface SeriesInfo {
  readonly id: number;
  readonly agentId: number;
  readonly agent: string;
  readonly unit: string;
  readonly metric: string;
}

/** A series with its labels, read from the database when asked for. */
export interface LabelledSeries extends SeriesInfo {
  readonly labels: Readonly<Record<string, string>>;
}

export interface CheckSeries extends SeriesInfo {
  readonly check: string;
  readonly category: string;
  readonly kind: string;
  /** The usual gap between results in ms, once the collector has seen enough of them. */
  interval: number | undefined;
}

/** Assumed until a check's own interval is known: the agent's default check interval. */
export const DEFAULT_INTERVAL_MS = 60_000;

/** How long one result of the check counts for, at most. */
export function holdCap(check: { interval: number | undefined }): number {
  return 2 * (check.interval ?? DEFAULT_INTERVAL_MS);
}

export class SeriesCatalog {
  readonly #byId = new Map<number, SeriesInfo>();
  readonly #byUnit = new Map<string, SeriesInfo[]>();
  readonly #checksByUnit = new Map<string, CheckSeries[]>();
  #maxId = 0;
  readonly #load;
  readonly #intervals;
  readonly #setInterval;
  readonly #byMetric;
  /** Unit, agent and metric names repeat across series: one string each. */
  readonly #strings = new Map<string, string>();

  constructor(db: Db) {
    this.#byMetric = db.prepare(`
      SELECT s.id, s.agent_id AS agentId, a.name AS agent, a.unit_id AS unit, s.metric, s.labels
      FROM series s JOIN agents a ON a.id = s.agent_id WHERE a.unit_id = ? AND s.metric = ?`);
    this.#load = db.prepare(`
      SELECT s.id, s.agent_id AS agentId, a.name AS agent, a.unit_id AS unit, s.metric, s.labels
      FROM series s JOIN agents a ON a.id = s.agent_id WHERE s.id > ? ORDER BY s.id`);
    this.#intervals = db.prepare(
      "SELECT name, interval_ms AS interval FROM checks WHERE agent_id = ? AND interval_ms IS NOT NULL",
    );
    this.#setInterval = db.prepare(
      "UPDATE checks SET interval_ms = ? WHERE agent_id = ? AND name = ?",
    );
    this.refresh();
  }

  /** Picks up series created since the last call. */
  refresh(): void {
    const rows = this.#load.all(this.#maxId) as (Omit<SeriesInfo, "labels"> & {
      labels: string;
    })[];
    const intervals = new Map<number, Map<string, number>>();
    for (const row of rows) {
      this.#maxId = row.id;
      let info: SeriesInfo = {
        id: row.id,
        agentId: row.agentId,
        agent: this.#intern(row.agent),
        unit: this.#intern(row.unit),
        metric: this.#intern(row.metric),
      };
      if (row.metric === METRICS.checkUp.name) {
        const labels = JSON.parse(row.labels) as Record<string, string>;
        let known = intervals.get(row.agentId);
        if (!known) {
          known = new Map(
            (this.#intervals.all(row.agentId) as { name: string; interval: number }[]).map((r) => [
              r.name,
              r.interval,
            ]),
          );
          intervals.set(row.agentId, known);
        }
        const check: CheckSeries = {
          ...info,
          check: labels.check ?? "",
          category: labels.category ?? "",
          kind: labels.kind ?? "",
          interval: known.get(labels.check ?? ""),
        };
        info = check;
        push(this.#checksByUnit, row.unit, check);
      }
      this.#byId.set(row.id, info);
      push(this.#byUnit, row.unit, info);
    }
  }

  get(id: number): SeriesInfo | undefined {
    return this.#byId.get(id);
  }

  unitSeries(unit: string): readonly SeriesInfo[] {
    return this.#byUnit.get(unit) ?? [];
  }

  unitChecks(unit: string): readonly CheckSeries[] {
    return this.#checksByUnit.get(unit) ?? [];
  }

  /** Series of one metric, e.g. certificate expiry, for a unit, with their labels. */
  unitMetric(unit: string, metric: string): LabelledSeries[] {
    const rows = this.#byMetric.all(unit, metric) as (SeriesInfo & { labels: string })[];
    return rows.map((row) => ({ ...row, labels: JSON.parse(row.labels) }));
  }

  #intern(text: string): string {
    const known = this.#strings.get(text);
    if (known !== undefined) return known;
    this.#strings.set(text, text);
    return text;
  }

  /** Records a check's interval (in the checks table and on every series of the check). */
  setInterval(check: CheckSeries, interval: number): void {
    this.#setInterval.run(interval, check.agentId, check.check);
    for (const other of this.unitChecks(check.unit)) {
      if (other.agentId === check.agentId && other.check === check.check) other.interval = interval;
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
