// Every HTTP route of the collector and what it takes to use it: the one table the server matches
// a request against, once, and the guard enforces. A route missing here does not exist (404); a
// new page or API route is added here first. Each route's path parameters and query are typed
// from the table, so a handler reads `params.id` without casting.
import { z } from "zod";
import {
  incidentQuerySchema,
  inventoryQuerySchema,
  maintenanceQuerySchema,
  summaryQuerySchema,
  windowQuerySchema,
} from "../../shared/api-query.js";
import { UNIT_ID } from "../../shared/config/collector.js";
import { HttpError } from "../../shared/errors.js";
import type { Action } from "../auth/roles.js";

export interface RouteSpec {
  method: "GET" | "POST" | "PUT";
  /** Literal segments and `:name` parameters, e.g. /units/:id */
  path: string;
  /**
   * public: anyone (the route may check something of its own, as /metrics does);
   * user: anyone logged in; an action: a user allowed to do it (auth/roles.ts), on the unit named by
   * the `unit` parameter when the route has one.
   */
  access: "public" | "user" | Action;
  /** The path parameter that holds a unit id; the user must be allowed `access` on that unit. */
  unit?: string;
  /** Query parameters the route takes; any other is refused with 400. */
  query?: z.ZodType;
  /**
   * The JSON API: its query is checked once the caller may use the route (before that, only
   * bounded), and its errors name the parameter first (http/query.ts).
   */
  api?: true;
  /**
   * A POST with a JSON body. Public (an agent's enrollment): no session, no form, no CSRF. Behind a
   * login (the JSON API's POSTs): the body is read by the guard, the CSRF token in X-CSRF-Token.
   */
  json?: true;
}

const text = (max = 200) => z.string().max(max).optional();
const lang = z.enum(["vi", "en"]).optional();
/** A printable report: its period, and CSV or the print view instead of the page (JSON is the API's). */
const reportQuery = z.strictObject({
  lang,
  period: text(20),
  format: z.enum(["html", "csv"]).optional(),
  view: z.enum(["print"]).optional(),
});
/** A form of a unit's page, posted with its CSRF token by a user allowed `access` on that unit. */
const unitForm = <P extends string, A extends Action>(path: P, access: A) =>
  ({ method: "POST", path, access, unit: "id", query: z.strictObject({ lang }) }) as const;
const pageNumber = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, "must be a page number from 1")
  .optional();

export const ROUTES = {
  healthz: { method: "GET", path: "/healthz", access: "public" },
  /** Has its own bearer token (metrics.token), for Prometheus, which cannot log in. */
  metrics: { method: "GET", path: "/metrics", access: "public" },
  loginPage: {
    method: "GET",
    path: "/login",
    access: "public",
    query: z.strictObject({ lang, next: text(500) }),
  },
  login: { method: "POST", path: "/login", access: "public", query: z.strictObject({ lang }) },
  logout: { method: "POST", path: "/logout", access: "user" },
  overview: {
    method: "GET",
    path: "/",
    access: "read",
    query: z.strictObject({
      lang,
      window: text(10),
      sort: z.enum(["worst", "name"]).optional(),
      period: text(20),
    }),
  },
  audit: {
    method: "GET",
    path: "/audit",
    access: "audit",
    query: z.strictObject({
      lang,
      before: z
        .string()
        .regex(/^\d{1,15}$/)
        .optional(),
    }),
  },
  unitPage: {
    method: "GET",
    path: "/units/:id",
    access: "read",
    unit: "id",
    query: z.strictObject({
      lang,
      window: text(10),
      page: pageNumber,
      saved: z
        .string()
        .regex(/^\d{1,15}$/)
        .optional(),
    }),
  },
  report: {
    method: "GET",
    path: "/reports/:unit",
    access: "read",
    unit: "unit",
    query: reportQuery,
  },
  /** The city-wide summary for the Steering Board: the units the user may read, ranked. */
  cityReport: { method: "GET", path: "/reports", access: "read", query: reportQuery },
  // The JSON API's query parameters are those of shared/api-query.ts, which the pages' links use.
  apiUnits: {
    method: "GET",
    path: "/api/v1/units",
    access: "read",
    query: windowQuerySchema,
    api: true,
  },
  apiUnit: {
    method: "GET",
    path: "/api/v1/units/:id",
    access: "read",
    unit: "id",
    query: windowQuerySchema,
    api: true,
  },
  apiChecks: {
    method: "GET",
    path: "/api/v1/units/:id/checks",
    access: "read",
    unit: "id",
    query: windowQuerySchema,
    api: true,
  },
  apiSummary: {
    method: "GET",
    path: "/api/v1/units/:id/summary",
    access: "read",
    unit: "id",
    query: summaryQuerySchema,
    api: true,
  },
  apiIncidents: {
    method: "GET",
    path: "/api/v1/incidents",
    access: "read",
    query: incidentQuerySchema,
    api: true,
  },
  apiInventory: {
    method: "GET",
    path: "/api/v1/inventory",
    access: "read",
    query: inventoryQuerySchema,
    api: true,
  },
  /** An agent's installer trades an enrollment code for its token (agents/enrollment.ts). */
  agentEnroll: { method: "POST", path: "/agent/enroll", access: "public", json: true },
  /** An agent downloads the package it was offered, with its own token (fleet/package-download.ts). */
  agentPackage: { method: "GET", path: "/agent/packages/:file", access: "public" },
  enrollmentCodes: {
    method: "GET",
    path: "/units/:id/enrollment-codes",
    access: "enroll",
    unit: "id",
    query: z.strictObject({ lang }),
  },
  enrollmentCodeCreate: {
    method: "POST",
    path: "/units/:id/enrollment-codes",
    access: "enroll",
    unit: "id",
    query: z.strictObject({ lang }),
  },
  enrollmentCodeRevoke: {
    method: "POST",
    path: "/units/:id/enrollment-codes/:code/revoke",
    access: "enroll",
    unit: "id",
    query: z.strictObject({ lang }),
  },
  /** Current and coming maintenance windows; creating one checks the units in its body. */
  apiMaintenance: {
    method: "GET",
    path: "/api/v1/maintenance",
    access: "read",
    query: maintenanceQuerySchema,
    api: true,
  },
  apiMaintenanceCreate: {
    method: "POST",
    path: "/api/v1/maintenance",
    access: "maintenance",
    json: true,
  },
  apiMaintenanceEnd: {
    method: "POST",
    path: "/api/v1/maintenance/:window/end",
    access: "maintenance",
    json: true,
  },
  /** Every agent's versions, host, link and central checks' state (collector/fleet/fleet-view.ts). */
  fleetPage: { method: "GET", path: "/fleet", access: "read", query: z.strictObject({ lang }) },
  apiFleet: { method: "GET", path: "/api/v1/fleet", access: "read" },
  /** A unit's central checks (collector/fleet/), secrets hidden; PUT replaces those of the API. */
  apiCentralChecks: {
    method: "GET",
    path: "/api/v1/units/:id/central-checks",
    access: "configure",
    unit: "id",
  },
  apiCentralChecksUpdate: {
    method: "PUT",
    path: "/api/v1/units/:id/central-checks",
    access: "configure",
    unit: "id",
    json: true,
  },
  /** One agent's own central checks, run besides its unit's (api/agent-central-checks.ts). */
  apiAgentCentralChecks: {
    method: "GET",
    path: "/api/v1/units/:id/agents/:name/central-checks",
    access: "configure",
    unit: "id",
  },
  apiAgentCentralChecksUpdate: {
    method: "PUT",
    path: "/api/v1/units/:id/agents/:name/central-checks",
    access: "configure",
    unit: "id",
    json: true,
  },
  /** The web forms of the unit's and of each of its agents': the checks as YAML or JSON. */
  centralChecksForm: unitForm("/units/:id/central-checks", "configure"),
  agentCentralChecksForm: unitForm("/units/:id/agents/:name/central-checks", "configure"),
  /** The unit page's maintenance forms, on the actions of the API's routes above. */
  maintenanceCreate: unitForm("/units/:id/maintenance", "maintenance"),
  maintenanceEnd: unitForm("/units/:id/maintenance/:window/end", "maintenance"),
  /** Start a discovery run of the unit's networks, and read the last one with what it found. */
  apiDiscoveryStart: {
    method: "POST",
    path: "/api/v1/units/:id/discovery",
    access: "discover",
    unit: "id",
    json: true,
  },
  apiDiscoveryDecide: {
    method: "POST",
    path: "/api/v1/units/:id/discovery/devices/:address",
    access: "discover",
    unit: "id",
    json: true,
  },
  apiDiscovery: { method: "GET", path: "/api/v1/units/:id/discovery", access: "read", unit: "id" },
  /** The unit page's discovery forms, on the actions of the API's routes above. */
  discoveryStartForm: unitForm("/units/:id/discovery", "discover"),
  discoveryDecideForm: unitForm("/units/:id/discovery/devices/:address", "discover"),
  signoff: unitForm("/units/:id/signoff", "signoff"),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
export type ApiRouteName = {
  [N in RouteName]: (typeof ROUTES)[N] extends { api: true } ? N : never;
}[RouteName];

/** The `:name` parameters of a path, e.g. "id" of /units/:id/signoff. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The path parameters of a route (of any of several routes: one of theirs). */
export type ParamsOf<N extends RouteName> = N extends RouteName
  ? { readonly [K in ParamNames<(typeof ROUTES)[N]["path"]>]: string }
  : never;

/** The route's query parameters as its schema gives them; none for a route without one. */
export type QueryOf<N extends RouteName> = N extends RouteName
  ? (typeof ROUTES)[N] extends { query: infer S extends z.ZodType }
    ? z.output<S>
    : Record<string, never>
  : never;

export interface MatchedRoute<N extends RouteName = RouteName> {
  name: N;
  spec: RouteSpec;
  params: ParamsOf<N>;
}

const PARAM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SPLIT = Object.entries(ROUTES).map(
  ([name, spec]) => [name as RouteName, spec as RouteSpec, spec.path.split("/")] as const,
);

/** The route for a method and path; HttpError 404 or 405 when there is none. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const wanted = method === "HEAD" ? "GET" : method;
  const segments = pathname.split("/");
  let pathExists = false;
  for (const [name, spec, pattern] of SPLIT) {
    const params = matchPath(pattern, segments);
    if (!params) continue;
    pathExists = true;
    if (spec.method !== wanted) continue;
    if (spec.unit !== undefined && !UNIT_ID.test(params[spec.unit] ?? "")) {
      throw new HttpError(404, `no unit "${params[spec.unit]?.slice(0, 64)}"`);
    }
    return { name, spec, params: params as ParamsOf<RouteName> };
  }
  if (pathExists) {
    throw new HttpError(405, `${method} is not allowed on ${pathname.slice(0, 200)}`);
  }
  throw new HttpError(404, `no page at ${pathname.slice(0, 200)}`);
}

function matchPath(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = segments[i] as string;
    if (want.startsWith(":")) {
      let value: string;
      try {
        value = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      if (!PARAM.test(value)) return undefined;
      params[want.slice(1)] = value;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
