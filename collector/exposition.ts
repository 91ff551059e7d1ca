// The latest value of every agent series, rendered in the Prometheus text format without prom-client,
// so a scrape of many series stays cheap. https://prometheus.io/docs/instrumenting/exposition_formats/
import { METRIC_BY_NAME } from "../shared/metrics.js";
import type { SeriesRef, StoredSample } from "./store/samples.js";

interface Entry {
  /** `name{labels} `, built once per series. */
  prefix: string;
  ts: number;
  value: number;
  /** Collector time of the last update: series not updated within the staleness window leave. */
  seenAt: number;
}

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
        if (prefix !== undefined) family.set(series.id, { prefix, ts, value, seenAt: now });
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

  /** Text exposition of every fresh series; stale ones are dropped as a side effect. */
  render(now: number): string {
    const parts: string[] = [];
    const oldest = now - this.staleMs;
    for (const [metric, family] of this.#families) {
      const lines: string[] = [];
      for (const [id, entry] of family) {
        if (entry.seenAt < oldest) {
          family.delete(id);
          continue;
        }
        lines.push(entry.prefix + formatValue(entry.value));
      }
      if (lines.length === 0) continue;
      const def = METRIC_BY_NAME.get(metric);
      const help = def?.help ?? "Value reported by an agent (custom OID or probe metric).";
      parts.push(`# HELP ${metric} ${help}\n# TYPE ${metric} ${def?.type ?? "gauge"}\n`);
      parts.push(`${lines.join("\n")}\n`);
    }
    return parts.join("");
  }
}
