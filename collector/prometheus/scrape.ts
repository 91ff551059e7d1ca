// GET /metrics: the agents' latest values streamed in pieces, then the collector's own metrics.
// A whole city is ~100,000 series; written in one go they would hold the event loop (and with it
// every agent's ingest) for the length of the scrape, so each piece gives way to pending I/O.
// Gzipped when the scraper asks for it (Prometheus does): about a tenth of the bytes, compressed
// piece by piece on libuv's thread pool, so the event loop waits no longer than without.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { constants, createGzip } from "node:zlib";
import type { Registry } from "prom-client";
import { HttpError } from "../../shared/errors.js";
import type { LatestValues } from "./exposition.js";
import type { CollectorMetrics } from "./self-metrics.js";

export interface ScrapeDeps {
  latest: LatestValues;
  registry: Registry;
  metrics: CollectorMetrics;
  /** When set, a request must carry `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

/** The text format version Prometheus negotiates with; prom-client writes the same. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Throws HttpError 401 before anything is written when the bearer token is missing or wrong. */
export function authorizeScrape(deps: ScrapeDeps, request: IncomingMessage): void {
  if (deps.metricsToken === undefined) return;
  const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1] ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(deps.metricsToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(401, "a bearer token is required for /metrics", {
      headers: { "WWW-Authenticate": "Bearer" },
    });
  }
}

/**
 * Whether an Accept-Encoding header (RFC 9110, section 12.5.3) takes gzip: named with a quality
 * above 0, or not named and "*" taken.
 */
export function acceptsGzip(header: string | undefined): boolean {
  let star = false;
  for (const part of (header ?? "").split(",")) {
    const [name = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    const taken = q === undefined || Number(q.slice(2)) > 0;
    if (name === "gzip" || name === "x-gzip") return taken;
    if (name === "*") star = taken;
  }
  return star;
}

/**
 * Level 1 of zlib: the exposition repeats its metric and label names line after line, so the
 * fastest level already keeps a small share of the bytes (measured by bench:metrics), at a
 * fraction of the default level's CPU. Up to a megabyte of pieces may wait for zlib, so it
 * compresses one on the thread pool while the next is written here.
 */
const GZIP = {
  level: 1,
  memLevel: 9,
  strategy: constants.Z_DEFAULT_STRATEGY,
  writableHighWaterMark: 2 ** 20,
};

export async function serveScrape(
  deps: ScrapeDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  authorizeScrape(deps, request);
  const started = performance.now();
  const gzip = acceptsGzip(request.headers["accept-encoding"]);
  response.writeHead(200, {
    "Content-Type": EXPOSITION_CONTENT_TYPE,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    Vary: "Accept-Encoding",
    ...(gzip ? { "Content-Encoding": "gzip" } : {}),
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  const compressed = gzip ? createGzip(GZIP) : undefined;
  if (compressed) {
    compressed.pipe(response);
    // A scraper that hangs up leaves nothing compressing for nobody; writes after that fail
    // quietly (the loop below stops), as writes to the closed response do.
    response.once("close", () => compressed.destroy());
    compressed.on("error", () => response.destroy());
  }
  const out = compressed ?? response;
  const gone = closed(response);
  for (const chunk of deps.latest.chunks(Date.now())) {
    if (response.destroyed || out.destroyed) return;
    if (compressed) {
      // A copy, as the next piece is written into the same buffer; past the megabyte waiting
      // for zlib (which waits for the socket in turn), wait for it to drain.
      if (!compressed.write(Buffer.from(chunk))) await Promise.race([drained(compressed), gone]);
    } else {
      // The next piece is written into the same buffer: wait until the socket is done with this
      // one. That also keeps a slow scraper from piling the text up in memory.
      await Promise.race([written(response, chunk), gone]);
    }
    // The waits alone do not give way, as the callback of a write taken at once comes on the next
    // tick, before any other I/O; setImmediate lets pending I/O (agents' batches) run.
    await yieldToEventLoop();
  }
  if (response.destroyed || out.destroyed) return;
  deps.metrics.series.set(deps.latest.size);
  const own = await deps.registry.metrics();
  deps.metrics.scrapeDuration.set((performance.now() - started) / 1000);
  out.end(own);
}

function written(response: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => response.write(chunk, () => resolve()));
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once("drain", resolve));
}

function closed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => response.once("close", resolve));
}
