// The collector's HTTP server: each request matched once against the route table (routes.ts), its
// query checked by the route's schema, let through by the guard, then answered by the route's
// handler: /healthz, /metrics, login, the pages and the JSON API.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { z } from "zod";
import type { ReportsConfig } from "../../shared/config/collector.js";
import { ENROLL_PATH } from "../../shared/enrollment.js";
import { HttpError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import type { EnrollmentDesk } from "../agents/enrollment.js";
import { listAudit } from "../auth/audit.js";
import { DeviceCookies } from "../auth/devices.js";
import { Guard } from "../auth/guard.js";
import { LoginThrottle } from "../auth/login-throttle.js";
import { AddressLimiter } from "../auth/rate-limit.js";
import { LOCAL_USER, type User } from "../auth/roles.js";
import { SessionStore } from "../auth/sessions.js";
import { UserStore } from "../auth/users.js";
import type { Db } from "../db/database.js";
import type { StorageHealth } from "../db/storage-health.js";
import type { Discovery } from "../discovery/service.js";
import type { FleetAgent, PackageListing } from "../fleet/fleet-view.js";
import type { Readers } from "../inspection/readers.js";
import type { LatestValues } from "../prometheus/exposition.js";
import { serveScrape } from "../prometheus/scrape.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import { AgentCentralCheckActions } from "./api/agent-central-checks.js";
import { CentralCheckActions } from "./api/central-checks.js";
import { MaintenanceActions } from "./api/maintenance.js";
import { answerApi, apiRoutes } from "./api/router.js";
import { loginHandlers } from "./login.js";
import { AUDIT_PAGE, renderAudit } from "./pages/audit.js";
import { discoveryFormHandlers } from "./pages/discovery-section.js";
import { enrollmentCodeHandlers } from "./pages/enrollment-codes.js";
import { renderError, sameSiteReferer } from "./pages/error-page.js";
import { renderFleet } from "./pages/fleet.js";
import { pageHandlers } from "./pages/handlers.js";
import type { Html } from "./pages/html.js";
import { LANGUAGES, langOf } from "./pages/i18n/index.js";
import { chromeOf, link } from "./pages/layout.js";
import { userBar } from "./pages/login.js";
import { API_QUERY, PAGE_QUERY, parseQuery } from "./query.js";
import type { Handlers, RequestContext } from "./request.js";
import { redirect, send, sendHtml, sendJson } from "./respond.js";
import { type ApiRouteName, matchRoute, type QueryOf, type RouteName } from "./routes.js";

export interface HttpDeps {
  db: Db;
  latest: LatestValues;
  registry: Registry;
  metrics: CollectorMetrics;
  metricsToken: string | undefined;
  /** What the pages and the JSON API answer from. */
  readers: Readers;
  log: Logger;
  /** web.auth from collector.yaml. */
  auth: boolean;
  /** Served over HTTPS. */
  secure: boolean;
  sessionTtlMs: number;
  loginFailuresPerMinute: number;
  /** Where agents' installers trade enrollment codes for tokens. */
  enrollment: EnrollmentDesk;
  /** Discovery runs of units' networks; absent, its routes answer 503. */
  discovery?: Discovery | undefined;
  /** How the printed reports present themselves (collector.yaml reports). */
  reports?: ReportsConfig | undefined;
  /** Sends a unit's central checks to its connected agents (after a change on the web or API). */
  pushCentralChecks: (unit: string) => void;
  /** The fleet view, of one unit's agents or of all. */
  fleet: (unit: string | undefined) => FleetAgent[];
  /** The agent packages of upgrades.folder, valid or not, with what is wrong. */
  packages?: () => PackageListing[];
  /** Sends an agent the package file it asks for (GET /agent/packages/:file). */
  agentPackage?: (request: IncomingMessage, response: ServerResponse, file: string) => void;
  /** Whether the last writes succeeded and there is room to write (/healthz). */
  health: StorageHealth;
}

/** Browsers that reached us over HTTPS come back over HTTPS only, for a year (RFC 6797). */
const HSTS = "max-age=31536000";

const NO_QUERY = z.strictObject({});
/** Paths machines read: their errors stay plain text, not pages. */
const MACHINE_PATHS = new Set(["/metrics", "/healthz"]);
/** Where agents download packages: their errors are plain text too. */
const PACKAGE_PATH = "/agent/packages/";
/** An API route's query before the caller is known: bounded only, checked in full afterwards. */
const BOUNDED_QUERY = z.object({}).catchall(z.string().max(200));

function need(discovery: Discovery | undefined): Discovery {
  if (!discovery) throw new HttpError(503, "discovery is not running on this collector");
  return discovery;
}

export function createHandler(deps: HttpDeps) {
  const checkWritable = deps.db.prepare("SELECT 1");
  const sessions = new SessionStore(deps.db);
  const guard = new Guard({ sessions, auth: deps.auth, secure: deps.secure });
  const routes = apiRoutes(deps.readers);
  const api = <N extends ApiRouteName>(ctx: RequestContext<N>) => {
    const user = ctx.user ?? LOCAL_USER;
    const scope = user.role === "unit" ? (user.unit ?? "") : undefined;
    sendJson(
      ctx.response,
      200,
      answerApi(routes, ctx.route.name, ctx.route.params, ctx.query, scope),
    );
  };
  const maintenance = new MaintenanceActions(
    deps.db,
    deps.readers.history.maintenance,
    deps.readers.now,
  );
  const central = new CentralCheckActions(deps.db, deps.pushCentralChecks, deps.readers.now);
  const ofAgent = new AgentCentralCheckActions(deps.db, deps.pushCentralChecks, deps.readers.now);
  const header = (ctx: RequestContext) => {
    const lang = langOf(ctx.url);
    return userBar(ctx.user, ctx.csrf(), deps.auth, LANGUAGES[lang], lang);
  };
  const handlers: Handlers = {
    healthz: ({ response }) => {
      // An immediate transaction takes the write lock, so this fails when the file cannot be written.
      deps.db.exec("BEGIN IMMEDIATE; ROLLBACK");
      checkWritable.get();
      // That lock writes nothing, so a full disk shows only in the writes themselves.
      const problems = deps.health.problems();
      if (problems.length === 0) send(response, 200, "text/plain; charset=utf-8", "ok\n");
      else {
        const text = problems.map((problem) => `unhealthy: ${problem}\n`).join("");
        send(response, 503, "text/plain; charset=utf-8", text);
      }
    },
    metrics: ({ request, response }) => serveScrape(deps, request, response),
    audit: (ctx) => {
      const before = ctx.query.before === undefined ? undefined : Number(ctx.query.before);
      const rows = listAudit(deps.db, { before, limit: AUDIT_PAGE });
      sendHtml(ctx.response, 200, renderAudit(chromeOf(ctx.url, header(ctx)), rows));
    },
    ...loginHandlers({
      users: new UserStore(deps.db),
      sessions,
      throttle: new LoginThrottle(new AddressLimiter(deps.loginFailuresPerMinute)),
      devices: new DeviceCookies(deps.db),
      sessionTtlMs: deps.sessionTtlMs,
      secure: deps.secure,
      log: deps.log,
      header,
    }),
    ...pageHandlers({
      db: deps.db,
      ctx: deps.readers,
      log: deps.log,
      reports: deps.reports,
      maintenance,
      discovery: deps.discovery,
      header,
    }),
    ...discoveryFormHandlers({
      discovery: () => need(deps.discovery),
      chrome: (ctx) => chromeOf(ctx.url, header(ctx)),
    }),
    ...enrollmentCodeHandlers({ db: deps.db, log: deps.log, secure: deps.secure, header }),
    agentEnroll: ({ request, response }) => deps.enrollment.answer(request, response),
    apiUnits: api,
    apiUnit: api,
    apiChecks: api,
    apiSummary: api,
    apiIncidents: api,
    apiInventory: api,
    apiMaintenance: api,
    apiMaintenanceCreate: (ctx) => {
      sendJson(ctx.response, 201, maintenance.create(ctx.user ?? LOCAL_USER, ctx.json));
    },
    fleetPage: (ctx) => {
      const user = ctx.user ?? LOCAL_USER;
      const scope = user.role === "unit" ? (user.unit ?? "") : undefined;
      const page = renderFleet(
        chromeOf(ctx.url, header(ctx)),
        deps.fleet(scope),
        scope === undefined ? (deps.packages?.() ?? []) : [],
      );
      sendHtml(ctx.response, 200, page);
    },
    apiFleet: (ctx) => {
      const user = ctx.user ?? LOCAL_USER;
      const scope = user.role === "unit" ? (user.unit ?? "") : undefined;
      sendJson(ctx.response, 200, { agents: deps.fleet(scope), packages: deps.packages?.() ?? [] });
    },
    agentPackage: (ctx) => {
      if (!deps.agentPackage) throw new HttpError(404, "this collector serves no packages");
      deps.agentPackage(ctx.request, ctx.response, ctx.route.params.file);
    },
    apiCentralChecks: (ctx) => {
      sendJson(ctx.response, 200, central.view(ctx.route.params.id));
    },
    apiCentralChecksUpdate: (ctx) => {
      const unit = ctx.route.params.id;
      sendJson(ctx.response, 200, central.update(ctx.user ?? LOCAL_USER, unit, ctx.json));
    },
    apiAgentCentralChecks: ({ response, route }) => {
      sendJson(response, 200, ofAgent.view(route.params.id, route.params.name));
    },
    apiAgentCentralChecksUpdate: ({ response, route, user, json }) => {
      const { id, name } = route.params;
      sendJson(response, 200, ofAgent.update(user ?? LOCAL_USER, id, name, json));
    },
    centralChecksForm: (ctx) => {
      const unit = ctx.route.params.id;
      central.updateFromText(ctx.user ?? LOCAL_USER, unit, ctx.form?.get("checks") ?? "");
      redirect(ctx.response, link(chromeOf(ctx.url, header(ctx)), `/units/${unit}#central-checks`));
    },
    agentCentralChecksForm: (ctx) => {
      const { id, name } = ctx.route.params;
      ofAgent.updateFromText(ctx.user ?? LOCAL_USER, id, name, ctx.form?.get("checks") ?? "");
      // link() keeps a path and its query only: the agent's form is named after it.
      const back = link(chromeOf(ctx.url, header(ctx)), `/units/${id}`);
      redirect(ctx.response, `${back}#central-checks-${name}`);
    },
    apiDiscoveryStart: (ctx) => {
      const discovery = need(deps.discovery);
      const id = ctx.route.params.id;
      sendJson(ctx.response, 202, discovery.request((ctx.user ?? LOCAL_USER).name, id, ctx.json));
    },
    apiDiscoveryDecide: (ctx) => {
      const { id, address } = ctx.route.params;
      const user = (ctx.user ?? LOCAL_USER).name;
      sendJson(ctx.response, 200, need(deps.discovery).decide(user, id, address, ctx.json));
    },
    apiDiscovery: (ctx) =>
      sendJson(ctx.response, 200, need(deps.discovery).view(ctx.route.params.id)),
    apiMaintenanceEnd: (ctx) => {
      const id = ctx.route.params.window;
      sendJson(ctx.response, 200, maintenance.end(ctx.user ?? LOCAL_USER, id));
    },
  };

  /** The bar of an error page: the user when the guard let the request as far as its handler. */
  const errorHeader = (url: URL, seen: { user?: User | undefined }): Html => {
    const lang = langOf(url);
    return userBar(seen.user, "", deps.auth, LANGUAGES[lang], lang, { logout: false });
  };
  const serve = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    seen: { user?: User | undefined },
  ) => {
    const route = matchRoute(request.method ?? "GET", url.pathname);
    const { spec, params } = route;
    const checked = spec.api ? BOUNDED_QUERY : (spec.query ?? NO_QUERY);
    const pageQuery = parseQuery(url.searchParams, checked, PAGE_QUERY);
    const unit =
      spec.unit === undefined ? undefined : (params as Record<string, string>)[spec.unit];
    const access = await guard.check(request, response, url, { ...spec, unit });
    seen.user = access.user;
    const query =
      spec.api && spec.query ? parseQuery(url.searchParams, spec.query, API_QUERY) : pageQuery;
    const ctx = { request, response, url, route, query: query as QueryOf<RouteName>, ...access };
    // Each handler takes its own route's context; the table ties name and context together.
    await (handlers[route.name] as (ctx: RequestContext) => Promise<void> | void)(ctx);
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://collector");
    const seen: { user?: User | undefined } = {};
    if (deps.secure) response.setHeader("Strict-Transport-Security", HSTS);
    try {
      await serve(request, response, url, seen);
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
      if (url.pathname.startsWith("/api/") || url.pathname === ENROLL_PATH) {
        sendJson(response, status, { error: message }, headers);
      } else if (
        status < 400 ||
        MACHINE_PATHS.has(url.pathname) ||
        url.pathname.startsWith(PACKAGE_PATH)
      ) {
        // A redirect (to the login form) says it all in its Location; Prometheus and health
        // checks read plain text.
        send(response, status, "text/plain; charset=utf-8", `${message}\n`, headers);
      } else {
        // The language asked for, when the query could be read; Vietnamese otherwise.
        const page = renderError(
          chromeOf(url, errorHeader(url, seen)),
          status,
          message,
          sameSiteReferer(request.headers.referer, request.headers.host),
        );
        sendHtml(response, status, page, headers);
      }
    }
  };
}
