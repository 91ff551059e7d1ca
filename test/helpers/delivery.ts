// Counting samples for delivery tests: what an agent produced (its trace) against what the
// collector stored (its export), as multisets that must be equal. The collector stores values at
// the precision declared for its metric, so produced values are rounded the same way first.
import { existsSync, readFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { decimalsOf, quantize } from "../../collector/tsdb/precision.js";
import { METRICS } from "../../shared/metrics.js";
import { COLLECTOR_CLI, runCli } from "./processes.js";

export interface TraceEntry {
  results: {
    check: string;
    category: string;
    kind: string;
    ts: number;
    up: boolean;
    duration: number;
  }[];
  samples: { metric: string; labels: Record<string, string>; ts: number; value: number }[];
}

function key(metric: string, labels: Record<string, string>, ts: number, value: number): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
  return `${metric}{${sorted}} ${ts} ${value}`;
}

/** A value as the collector stores it: rounded to its metric's decimals. */
function stored(metric: string, value: number): number {
  const decimals = decimalsOf(metric);
  return quantize(value, decimals === undefined ? undefined : 10 ** decimals);
}

function entrySamples(entry: TraceEntry): string[] {
  const out: string[] = [];
  const duration = METRICS.checkDuration.name;
  for (const r of entry.results) {
    const labels = { category: r.category, check: r.check, kind: r.kind };
    out.push(key(METRICS.checkUp.name, labels, r.ts, r.up ? 1 : 0));
    out.push(key(duration, labels, r.ts, stored(duration, r.duration)));
  }
  for (const s of entry.samples) out.push(key(s.metric, s.labels, s.ts, stored(s.metric, s.value)));
  return out;
}

/** The traced entries: written ones, and those dropped after being held in memory. */
export function traceEntries(traceFile: string): {
  written: TraceEntry[];
  dropped: (TraceEntry & { dropped: string })[];
} {
  const written: TraceEntry[] = [];
  const dropped: (TraceEntry & { dropped: string })[] = [];
  if (!existsSync(traceFile)) return { written, dropped };
  for (const line of readFileSync(traceFile, "utf8").split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as TraceEntry & { dropped?: string };
    if (entry.dropped) dropped.push(entry as TraceEntry & { dropped: string });
    else written.push(entry);
  }
  return { written, dropped };
}

/**
 * Every sample the collector must store for the traced entries, sorted (duplicates kept): what was
 * written, less what was held in memory while the disk was full and then dropped (and counted).
 */
export function producedSamples(traceFile: string): string[] {
  const { written, dropped } = traceEntries(traceFile);
  const counts = new Map<string, number>();
  for (const sample of dropped.flatMap(entrySamples)) {
    counts.set(sample, (counts.get(sample) ?? 0) + 1);
  }
  const out: string[] = [];
  for (const sample of written.flatMap(entrySamples)) {
    const left = counts.get(sample) ?? 0;
    if (left > 0) counts.set(sample, left - 1);
    else out.push(sample);
  }
  return out.sort();
}

/** Samples of entries dropped after being held in memory (reason disk_full). */
export function droppedSamples(traceFile: string): number {
  return traceEntries(traceFile).dropped.flatMap(entrySamples).length;
}

/** Every sample the collector stored for the agent, from `giamsat-collector export`, sorted. */
export async function storedSamples(configFile: string, agent: string): Promise<string[]> {
  const result = await runCli(COLLECTOR_CLI, ["export", "--config", configFile, "--agent", agent]);
  if (result.code !== 0) throw new Error(`export failed: ${result.stderr}`);
  return result.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const s = JSON.parse(line) as {
        metric: string;
        labels: Record<string, string>;
        ts: number;
        value: number;
      };
      const { unit: _unit, agent: _agent, ...labels } = s.labels;
      return key(s.metric, labels, s.ts, s.value);
    })
    .sort();
}

/** A port that was free a moment ago, for a collector that must come back on the same address. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A TCP proxy between agent and collector that can lose one acknowledgement: once armed, the
 * first collector→agent chunk that carries an ack is swallowed and both connections are cut,
 * so the batch is committed but the agent never learns it.
 */
export class AckCutter {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #armed = false;
  cuts = 0;
  port = 0;

  constructor(private readonly target: number) {
    this.#server = createServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      this.#sockets.add(client).add(upstream);
      client.on("data", (chunk) => upstream.write(chunk));
      upstream.on("data", (chunk: Buffer) => {
        if (this.#armed && chunk.includes('"type":"ack"')) {
          this.#armed = false;
          this.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      client.on("close", close).on("error", close);
      upstream.on("close", close).on("error", close);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => {
        this.port = (this.#server.address() as { port: number }).port;
        resolve(this.port);
      }),
    );
  }

  arm(): void {
    this.#armed = true;
  }

  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
