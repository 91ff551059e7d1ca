// GET /metrics: the agents' latest values streamed in pieces, then the collector's own metrics.
// A whole city is ~100,000 series; written in one go they would hold the event loop (and with it
// every agent's ingest) for the length of the scrape, so each piece gives way to pending I/O.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
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

export async function serveScrape(
  deps: ScrapeDeps,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  authorizeScrape(deps, request);
  const started = performance.now();
  response.writeHead(200, {
    "Content-Type": EXPOSITION_CONTENT_TYPE,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  const gone = closed(response);
  for (const chunk of deps.latest.chunks(Date.now())) {
    if (response.destroyed) return;
    // The next piece is written into the same buffer: wait until the socket is done with this
    // one. That also keeps a slow scraper from piling the text up in memory. The wait alone does
    // not give way, as the callback of a write the socket took at once comes on the next tick,
    // before any other I/O; setImmediate lets pending I/O (agents' batches) run.
    await Promise.race([written(response, chunk), gone]);
    await yieldToEventLoop();
  }
  if (response.destroyed) return;
  deps.metrics.series.set(deps.latest.size);
  const own = await deps.registry.metrics();
  deps.metrics.scrapeDuration.set((performance.now() - started) / 1000);
  response.end(own);
}

function written(response: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => response.write(chunk, () => resolve()));
}

function closed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => response.once("close", resolve));
}
