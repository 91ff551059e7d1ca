// HTTP routes of the collector: /healthz, /metrics, login and the pages, each behind the guard that
// enforces the route table in routes.ts.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { HttpError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import type { AgentStore } from "../agents/registry.js";
import { listAudit } from "../auth/audit.js";
import { Guard, type RequestContext } from "../auth/guard.js";
import { AddressLimiter } from "../auth/rate-limit.js";
import { LOCAL_USER } from "../auth/roles.js";
import { SessionStore } from "../auth/sessions.js";
import { UserStore } from "../auth/users.js";
import type { Db } from "../db/database.js";
import type { Readers } from "../inspection/readers.js";
import type { LatestValues } from "../prometheus/exposition.js";
import { serveScrape } from "../prometheus/scrape.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { ApiHandler } from "./api/router.js";
import { loginHandlers } from "./login.js";
import { renderAudit } from "./pages/audit.js";
import { LANGUAGES, langOf } from "./pages/i18n/index.js";
import { userBar } from "./pages/login.js";
import { pageHandlers } from "./pages/pages.js";
import { send, sendHtml, sendJson } from "./respond.js";
import type { RouteName } from "./routes.js";

export interface HttpDeps {
  db: Db;
  agents: AgentStore;
  latest: LatestValues;
  registry: Registry;
  metrics: CollectorMetrics;
  metricsToken: string | undefined;
  /** The JSON API under /api/v1/. */
  api: ApiHandler;
  /** What the API answers from, for the pages that show the same figures. */
  readers: Readers;
  log: Logger;
  /** web.auth from collector.yaml. */
  auth: boolean;
  /** Served over HTTPS. */
  secure: boolean;
  sessionTtlMs: number;
  loginFailuresPerMinute: number;
}

type Handler = (ctx: RequestContext) => Promise<void> | void;

export function createHandler(deps: HttpDeps) {
  const checkWritable = deps.db.prepare("SELECT 1");
  const sessions = new SessionStore(deps.db);
  const guard = new Guard({ sessions, auth: deps.auth, secure: deps.secure });
  const api = (ctx: RequestContext) => {
    const user = ctx.user ?? LOCAL_USER;
    const { status, body } = deps.api(
      ctx.url,
      user.role === "unit" ? (user.unit ?? "") : undefined,
    );
    sendJson(ctx.response, status, body);
  };
  const header = (ctx: RequestContext) =>
    userBar(ctx.user, ctx.csrf(), deps.auth, LANGUAGES[langOf(ctx.url)]);
  const handlers: Record<RouteName, Handler> = {
    healthz: ({ response }) => {
      // An immediate transaction takes the write lock, so this fails when the file cannot be written.
      deps.db.exec("BEGIN IMMEDIATE; ROLLBACK");
      checkWritable.get();
      send(response, 200, "text/plain; charset=utf-8", "ok\n");
    },
    metrics: ({ request, response }) => serveScrape(deps, request, response),
    audit: (ctx) => {
      const before = ctx.query.before === undefined ? undefined : Number(ctx.query.before);
      sendHtml(ctx.response, 200, renderAudit(listAudit(deps.db, { before }), header(ctx)));
    },
    ...loginHandlers({
      users: new UserStore(deps.db),
      sessions,
      limiter: new AddressLimiter(deps.loginFailuresPerMinute),
      sessionTtlMs: deps.sessionTtlMs,
      secure: deps.secure,
      log: deps.log,
    }),
    ...pageHandlers({ db: deps.db, ctx: deps.readers, log: deps.log, header }),
    apiUnits: api,
    apiUnit: api,
    apiChecks: api,
    apiSummary: api,
    apiIncidents: api,
    apiInventory: api,
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://collector");
    try {
      const ctx = await guard.check(request, response, url);
      await handlers[ctx.route.name](ctx);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status >= 500) deps.log.error({ err: error, url: url.pathname }, "request failed");
      // A streamed response (/metrics) that fails half-way can only be cut off.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof HttpError ? error.message : "internal error";
      const headers = error instanceof HttpError ? error.headers : {};
      if (url.pathname.startsWith("/api/")) {
        sendJson(response, status, { error: message }, headers);
      } else {
        send(response, status, "text/plain; charset=utf-8", `${message}\n`, headers);
      }
    }
  };
}
