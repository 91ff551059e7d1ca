// HTTP routes of the collector: /healthz, /metrics and the pages.

import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { HttpError } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import type { LatestValues } from "./exposition.js";
import type { CollectorMetrics } from "./metrics.js";
import type { AgentStore } from "./store/agents.js";
import type { Db } from "./store/database.js";
import { listUnits } from "./store/units.js";
import { renderOverview } from "./web/overview.js";

export interface HttpDeps {
  db: Db;
  agents: AgentStore;
  latest: LatestValues;
  registry: Registry;
  metrics: CollectorMetrics;
  metricsToken: string | undefined;
  log: Logger;
}

export function createHandler(deps: HttpDeps) {
  const checkWritable = deps.db.prepare("SELECT 1");
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = new URL(request.url ?? "/", "http://collector");
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw new HttpError(405, `${request.method} is not allowed on ${url.pathname}`);
      }
      switch (url.pathname) {
        case "/healthz": {
          // An immediate transaction takes the write lock, so this fails when the file cannot be written.
          deps.db.exec("BEGIN IMMEDIATE; ROLLBACK");
          checkWritable.get();
          return send(response, 200, "text/plain; charset=utf-8", "ok\n");
        }
        case "/metrics":
          return send(
            response,
            200,
            "text/plain; version=0.0.4; charset=utf-8",
            await metrics(deps, request),
          );
        case "/":
          return send(
            response,
            200,
            "text/html; charset=utf-8",
            renderOverview(listUnits(deps.db), deps.agents.list(), Date.now()),
          );
        default:
          throw new HttpError(404, `no page at ${url.pathname}`);
      }
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) deps.log.error({ err: error, url: request.url }, "request failed");
      const message = error instanceof HttpError ? error.message : "internal error";
      send(response, status, "text/plain; charset=utf-8", `${message}\n`);
    }
  };
}

async function metrics(deps: HttpDeps, request: IncomingMessage): Promise<string> {
  if (deps.metricsToken !== undefined) {
    const given = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const a = Buffer.from(given);
    const b = Buffer.from(deps.metricsToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new HttpError(401, "a bearer token is required for /metrics");
    }
  }
  const started = performance.now();
  const agents = deps.latest.render(Date.now());
  deps.metrics.series.set(deps.latest.size);
  const own = await deps.registry.metrics();
  deps.metrics.scrapeDuration.set((performance.now() - started) / 1000);
  return agents + own;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...(status === 401 ? { "WWW-Authenticate": "Bearer" } : {}),
  });
  response.end(body);
}
