// The latest value of every agent series, rendered in the Prometheus text format without prom-client,
// so a scrape of many series stays cheap. https://prometheus.io/docs/instrumenting/exposition_formats/
import { METRIC_BY_NAME } from "../shared/metrics.js";
import type { SeriesRef, StoredSample } from "./store/samples.js";

interface Entry {
  readonly id: number;
  /** `name{labels} `, built once per series. */
  readonly prefix: string;
  ts: number;
  value: number;
  /** Collector time of the last update: series not updated within the staleness window leave. */
  seenAt: number;
}

/** Lines per piece of a scrape: small enough that one piece never holds the event loop for long. */
export const LINES_PER_CHUNK = 2000;

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

export interface AgentLabels {
  unit: string;
  agent: string;
}

export class LatestValues {
  readonly #families = new Map<string, Map<number, Entry>>();

  constructor(
    private readonly staleMs: number,
    private readonly agentLabels: (agentId: number) => AgentLabels | undefined,
  ) {}

  update(samples: readonly StoredSample[], now: number): void {
    for (const { series, ts, value } of samples) {
      let family = this.#families.get(series.metric);
      if (!family) {
        family = new Map();
        this.#families.set(series.metric, family);
      }
      const entry = family.get(series.id);
      if (!entry) {
        const prefix = this.#prefix(series);
        if (prefix !== undefined) {
          family.set(series.id, { id: series.id, prefix, ts, value, seenAt: now });
        }
      } else if (ts >= entry.ts) {
        // Backfilled older samples never replace a newer value.
        entry.ts = ts;
        entry.value = value;
        entry.seenAt = now;
      }
    }
  }

  /** Forgets the series of an agent, e.g. when it is revoked. */
  forgetAgent(agentId: number, series: Iterable<SeriesRef>): void {
    for (const ref of series) {
      if (ref.agentId === agentId) this.#families.get(ref.metric)?.delete(ref.id);
    }
  }

  get size(): number {
    let n = 0;
    for (const family of this.#families.values()) n += family.size;
    return n;
  }

  #prefix(series: SeriesRef): string | undefined {
    const who = this.agentLabels(series.agentId);
    if (!who) return undefined;
    let text = `${series.metric}{unit="${escapeLabelValue(who.unit)}",agent="${escapeLabelValue(who.agent)}"`;
    for (const [name, value] of Object.entries(series.labels)) {
      text += `,${name}="${escapeLabelValue(value)}"`;
    }
    return `${text}} `;
  }

  /**
   * Text exposition of every fresh series, in pieces of at most `linesPerChunk` sample lines, so a
   * caller can hand each piece to the socket and let other work run in between. Stale series are
   * dropped as a side effect.
   *
   * Ingest may run between two pieces. Each family is copied before it is written, so a series
   * removed and added again meanwhile cannot appear twice (Prometheus refuses a scrape with a
   * duplicate series); values are read live, as a scrape of any exporter would see them.
   */
  *chunks(now: number, linesPerChunk = LINES_PER_CHUNK): Generator<string, void, undefined> {
    const oldest = now - this.staleMs;
    let text = "";
    let lines = 0;
    for (const [metric, family] of this.#families) {
      const entries = [...family.values()];
      let header = false;
      for (const entry of entries) {
        if (entry.seenAt < oldest) {
          family.delete(entry.id);
          continue;
        }
        if (!header) {
          text += familyHeader(metric);
          header = true;
        }
        text += `${entry.prefix}${formatValue(entry.value)}\n`;
        if (++lines >= linesPerChunk) {
          yield text;
          text = "";
          lines = 0;
        }
      }
    }
    if (text) yield text;
  }

  /** The whole exposition as one string (tests and small collectors). */
  render(now: number): string {
    let text = "";
    for (const chunk of this.chunks(now)) text += chunk;
    return text;
  }
}

function familyHeader(metric: string): string {
  const def = METRIC_BY_NAME.get(metric);
  // A name outside the table (a custom OID, a newer agent) is untyped: nothing is known about it.
  const help = def?.help ?? "Value reported by an agent (custom OID or probe metric).";
  return `# HELP ${metric} ${help}\n# TYPE ${metric} ${def?.type ?? "untyped"}\n`;
}
