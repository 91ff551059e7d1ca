// Remote write from the receiving end, for tests: a protobuf decoder written apart from the
// encoder, a scripted receiver that answers what a test tells it to, and what the collector
// stored, in the same shape, to compare with what a receiver got.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { uncompress } from "snappyjs";

export interface DecodedSeries {
  labels: [string, string][];
  samples: { value: number; timestamp: number }[];
}

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new Error("truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytesField(): Uint8Array {
    const length = Number(this.varint());
    const out = this.bytes.subarray(this.at, this.at + length);
    if (out.length !== length) throw new Error("truncated field");
    this.at += length;
    return out;
  }
  double(): number {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8);
    this.at += 8;
    return view.getFloat64(0, true);
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.at += 8;
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.at += 4;
    else throw new Error(`unknown wire type ${wireType}`);
  }
}

/** Decodes an uncompressed prometheus.WriteRequest (fields it does not know are skipped). */
export function decodeWriteRequest(bytes: Uint8Array): DecodedSeries[] {
  const out: DecodedSeries[] = [];
  const request = new Reader(bytes);
  while (!request.done) {
    const tag = Number(request.varint());
    if (tag !== ((1 << 3) | 2)) {
      request.skip(tag & 7);
      continue;
    }
    const series: DecodedSeries = { labels: [], samples: [] };
    const ts = new Reader(request.bytesField());
    while (!ts.done) {
      const field = Number(ts.varint());
      if (field === ((1 << 3) | 2)) {
        const label = new Reader(ts.bytesField());
        let name = "";
        let value = "";
        while (!label.done) {
          const t = Number(label.varint());
          if (t === ((1 << 3) | 2)) name = Buffer.from(label.bytesField()).toString("utf8");
          else if (t === ((2 << 3) | 2)) value = Buffer.from(label.bytesField()).toString("utf8");
          else label.skip(t & 7);
        }
        series.labels.push([name, value]);
      } else if (field === ((2 << 3) | 2)) {
        const sample = new Reader(ts.bytesField());
        let value = 0;
        let timestamp = 0;
        while (!sample.done) {
          const t = Number(sample.varint());
          if (t === ((1 << 3) | 1)) value = sample.double();
          else if (t === ((2 << 3) | 0)) timestamp = Number(BigInt.asIntN(64, sample.varint()));
          else sample.skip(t & 7);
        }
        series.samples.push({ value, timestamp });
      } else {
        ts.skip(field & 7);
      }
    }
    out.push(series);
  }
  return out;
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  series: DecodedSeries[];
}

export interface Answer {
  status: number;
  /** Cut the connection instead of answering, as a crashing receiver or a broken network would. */
  destroy?: boolean;
  headers?: Record<string, string>;
  body?: string;
}

export interface ScriptedReceiver {
  url: string;
  /** Requests answered 2xx, decoded. */
  accepted: ReceivedRequest[];
  /** Every request, whatever the answer, with the status it got (0: cut off) and when. */
  all: { request: ReceivedRequest; status: number; at: number }[];
  /** What to answer next; the default is 204. */
  answer: (request: ReceivedRequest) => Answer;
  close(): Promise<void>;
}

/**
 * An HTTP receiver on a loopback port that decodes every request and answers as told; HTTPS with
 * the given certificate and key (PEM).
 */
export async function startScriptedReceiver(tls?: {
  cert: string;
  key: string;
}): Promise<ScriptedReceiver> {
  const receiver: ScriptedReceiver = {
    url: "",
    accepted: [],
    all: [],
    answer: () => ({ status: 204 }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ReceivedRequest = {
        headers: req.headers,
        series: decodeWriteRequest(uncompress(Buffer.concat(chunks))),
      };
      const answer = receiver.answer(request);
      receiver.all.push({ request, status: answer.destroy ? 0 : answer.status, at: Date.now() });
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      if (answer.status >= 200 && answer.status < 300) receiver.accepted.push(request);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? "");
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  receiver.url = `${tls ? "https" : "http"}://127.0.0.1:${port}/api/v1/write`;
  const close = receiver.close;
  receiver.close = () => {
    server.closeAllConnections();
    return close();
  };
  return receiver;
}

/** Samples in decoded requests. */
export function sampleCount(requests: readonly ReceivedRequest[]): number {
  let n = 0;
  for (const request of requests) for (const series of request.series) n += series.samples.length;
  return n;
}

/** Labels as one sorted text key: {__name__="x",agent="a",...}. */
export function seriesKey(labels: Record<string, string> | [string, string][]): string {
  const pairs = Array.isArray(labels) ? labels : Object.entries(labels);
  return `{${[...pairs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;
}

/** Samples per series key, each list sorted by timestamp: "ts value" strings. */
export type SeriesSamplesMap = Map<string, string[]>;

/** Every sample the collector stored, keyed by its labels as a receiver sees them. */
export function storedSeries(
  query: <T>(sql: string, ...params: unknown[]) => T[],
  /** External labels: a series' own label of the same name wins. */
  extra: Record<string, string> = {},
): SeriesSamplesMap {
  const rows = query<{
    metric: string;
    labels: string;
    agent: string;
    unit: string;
    ts: number;
    value: number;
  }>(`
    SELECT s.metric, s.labels, a.name AS agent, a.unit_id AS unit, x.ts, x.value
    FROM samples x JOIN series s ON s.id = x.series_id JOIN agents a ON a.id = s.agent_id
    ORDER BY x.ts`);
  const out: SeriesSamplesMap = new Map();
  for (const row of rows) {
    // An empty label is no label to Prometheus; the specification forbids sending one.
    const own = Object.fromEntries(
      Object.entries(JSON.parse(row.labels) as Record<string, string>).filter(([, v]) => v !== ""),
    );
    const key = seriesKey({
      ...extra,
      ...own,
      __name__: row.metric,
      unit: row.unit,
      agent: row.agent,
    });
    const list = out.get(key) ?? [];
    list.push(`${row.ts} ${row.value}`);
    out.set(key, list);
  }
  return out;
}

/** The same shape from decoded requests (in the order they arrived). */
export function receivedSeries(requests: readonly ReceivedRequest[]): SeriesSamplesMap {
  const out: SeriesSamplesMap = new Map();
  for (const request of requests) {
    for (const series of request.series) {
      const key = seriesKey(series.labels);
      const list = out.get(key) ?? [];
      for (const s of series.samples) list.push(`${s.timestamp} ${s.value}`);
      out.set(key, list);
    }
  }
  return out;
}

/** A read-only look at a collector's database file, usable while the collector runs. */
export function readDatabase(file: string): {
  query: <T>(sql: string, ...params: unknown[]) => T[];
  close(): void;
} {
  const db = new Database(file, { readonly: true });
  return {
    query: <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
    close: () => db.close(),
  };
}

/** Sorts each series' samples (by timestamp) and the keys, for a deep comparison. */
export function normalized(map: SeriesSamplesMap): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) {
    out[key] = [...(map.get(key) ?? [])].sort(
      (a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0]),
    );
  }
  return out;
}
