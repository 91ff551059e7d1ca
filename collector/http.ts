// HTTP routes of the collector: /healthz, /metrics and the pages.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { HttpError } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import type { ApiHandler } from "./api/router.js";
import type { LatestValues } from "./exposition.js";
import type { CollectorMetrics } from "./metrics.js";
import { serveScrape } from "./scrape.js";
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
  /** The JSON API under /api/v1/. */
  api?: ApiHandler;
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
      if (deps.api && url.pathname.startsWith("/api/v1/")) {
        const { status, body } = deps.api(request, url);
        return send(response, status, "application/json; charset=utf-8", JSON.stringify(body));
      }
      switch (url.pathname) {
        case "/healthz": {
          // An immediate transaction takes the write lock, so this fails when the file cannot be written.
          deps.db.exec("BEGIN IMMEDIATE; ROLLBACK");
          checkWritable.get();
          return send(response, 200, "text/plain; charset=utf-8", "ok\n");
        }
        case "/metrics":
          return await serveScrape(deps, request, response);
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
      // A streamed response (/metrics) that fails half-way can only be cut off.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof HttpError ? error.message : "internal error";
      send(response, status, "text/plain; charset=utf-8", `${message}\n`);
    }
  };
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
