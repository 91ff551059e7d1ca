// The latest value of every agent series, rendered in the Prometheus text format without prom-client,
// so a scrape of many series stays cheap. https://prometheus.io/docs/instrumenting/exposition_formats/
import { METRIC_BY_NAME } from "../../shared/metrics.js";
import { MAX_AHEAD_MS } from "../../shared/protocol.js";
import type { SeriesRef, StoredSample } from "../tsdb/index.js";

interface Entry {
  readonly id: number;
  readonly agentId: number;
  /** `name{labels} ` in UTF-8, built once per series. */
  readonly prefix: Buffer;
  ts: number;
  value: number;
  /** Collector time of the last update: series not updated within the staleness window leave. */
  seenAt: number;
}

/** Bytes per piece of a scrape (~1,700 lines): one piece takes a few milliseconds to write. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * A label value as the text format writes it: backslash, double quote and line feed escaped, as
 * the format requires. Agents send any text, so control characters (which could, say, recolour
 * a terminal showing a scrape) and unpaired UTF-16 surrogates (not valid UTF-8) become U+FFFD.
 */
export function escapeLabelValue(value: string): string {
  const clean = /[^\x20-\x7e]/.test(value)
    ? value.replace(LONE_SURROGATE, "\ufffd").replace(CONTROL, "\ufffd")
    : value;
  return clean.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Unicode control characters (C0, DEL, C1) other than tab and line feed. */
const CONTROL = /(?![\t\n])\p{Cc}/gu;

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

  /**
   * Takes each series' newest sample. A timestamp ahead of the clock by more than MAX_AHEAD_MS
   * (stored before ingest refused them) is passed over: it would hide every real value after it.
   */
  update(samples: readonly StoredSample[], now: number): void {
    const latest = now + MAX_AHEAD_MS;
    for (const { series, ts, value } of samples) {
      if (ts > latest) continue;
      let family = this.#families.get(series.metric);
      if (!family) {
        family = new Map();
        this.#families.set(series.metric, family);
      }
      const entry = family.get(series.id);
      if (!entry) {
        const prefix = this.#prefix(series);
        if (prefix !== undefined) {
          const entry = { id: series.id, agentId: series.agentId, prefix, ts, value, seenAt: now };
          family.set(series.id, entry);
        }
      } else if (ts >= entry.ts) {
        // Backfilled older samples never replace a newer value.
        entry.ts = ts;
        entry.value = value;
        entry.seenAt = now;
      }
    }
  }

  /** Each agent's latest values of a metric summed over its series (e.g. drops of every reason). */
  sumByAgent(metric: string): Map<number, number> {
    const sums = new Map<number, number>();
    for (const entry of this.#families.get(metric)?.values() ?? []) {
      sums.set(entry.agentId, (sums.get(entry.agentId) ?? 0) + entry.value);
    }
    return sums;
  }

  /** Forgets every series of an agent, e.g. when it is revoked. */
  forgetAgent(agentId: number): void {
    for (const family of this.#families.values()) {
      for (const entry of family.values()) {
        if (entry.agentId === agentId) family.delete(entry.id);
      }
    }
  }

  get size(): number {
    let n = 0;
    for (const family of this.#families.values()) n += family.size;
    return n;
  }

  #prefix(series: SeriesRef): Buffer | undefined {
    const who = this.agentLabels(series.agentId);
    if (!who) return undefined;
    let text = `${series.metric}{unit="${escapeLabelValue(who.unit)}",agent="${escapeLabelValue(who.agent)}"`;
    for (const [name, value] of Object.entries(series.labels)) {
      text += `,${name}="${escapeLabelValue(value)}"`;
    }
    return Buffer.from(`${text}} `);
  }

  /**
   * Text exposition of every fresh series, in pieces of about `chunkBytes` that each end with a
   * whole line, so a caller can hand each piece to the socket and let other work run in between.
   * Stale series are dropped as a side effect.
   *
   * The text is written as bytes straight into one buffer that every piece reuses: joining
   * 100,000 strings and encoding the result for the socket took ~200 ms against ~40 ms, and a
   * fresh 15 MB per scrape made the garbage collector pause during scrapes. So a piece is valid only
   * until the next one is asked for; a caller that keeps pieces must copy them.
   *
   * Ingest may run between two pieces. Each family is copied before it is written, so a series
   * removed and added again meanwhile cannot appear twice (Prometheus refuses a scrape with a
   * duplicate series); values are read live, as a scrape of any exporter would see them.
   */
  *chunks(now: number, chunkBytes = CHUNK_BYTES): Generator<Buffer, void, undefined> {
    const oldest = now - this.staleMs;
    let buffer = Buffer.allocUnsafe(chunkBytes);
    let at = 0;
    for (const [metric, family] of this.#families) {
      const entries = [...family.values()];
      let header: Buffer | undefined = Buffer.from(familyHeader(metric));
      for (const entry of entries) {
        if (entry.seenAt < oldest) {
          family.delete(entry.id);
          continue;
        }
        // A family's header always goes out with its first line.
        const bytes = (header?.length ?? 0) + entry.prefix.length + MAX_VALUE_BYTES + 1;
        if (at + bytes > buffer.length) {
          if (at > 0) yield buffer.subarray(0, at);
          at = 0;
          if (bytes > buffer.length) buffer = Buffer.allocUnsafe(bytes);
        }
        if (header) {
          at += header.copy(buffer, at);
          header = undefined;
        }
        buffer.set(entry.prefix, at);
        at = writeValue(buffer, at + entry.prefix.length, entry.value);
        buffer[at++] = NEWLINE;
      }
    }
    if (at > 0) yield buffer.subarray(0, at);
  }

  /** The whole exposition as one string (tests and small collectors). */
  render(now: number): string {
    let text = "";
    for (const piece of this.chunks(now)) text += piece.toString("utf8");
    return text;
  }
}

const NEWLINE = 0x0a;
/** The longest number formatValue writes, e.g. -2.2250738585072014e-308. */
const MAX_VALUE_BYTES = 32;

/**
 * Writes formatValue(value) as ASCII at `offset` and returns the offset after it. Integers
 * (counters, status codes, 0 and 1: most samples) are written digit by digit without a string.
 */
export function writeValue(buffer: Buffer, offset: number, value: number): number {
  if (!Number.isSafeInteger(value)) {
    return offset + buffer.write(formatValue(value), offset, "latin1");
  }
  let at = offset;
  let rest = value;
  if (rest < 0) {
    buffer[at++] = 0x2d; // "-"
    rest = -rest;
  }
  const first = at;
  do {
    buffer[at++] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  buffer.subarray(first, at).reverse();
  return at;
}

function familyHeader(metric: string): string {
  const def = METRIC_BY_NAME.get(metric);
  // A name outside the table (a custom OID, a newer agent) is untyped: nothing is known about it.
  const help = def?.help ?? "Value reported by an agent (custom OID or probe metric).";
  return `# HELP ${metric} ${help}\n# TYPE ${metric} ${def?.type ?? "untyped"}\n`;
}
