// Every HTTP route of the collector and what it takes to use it: the one table the guard enforces.
// A route missing here does not exist (404); a new page or API route is added here first.
import { z } from "zod";
import { UNIT_ID } from "../../shared/config/collector.js";
import { HttpError } from "../../shared/errors.js";
import { formatPath, issueMessage } from "../../shared/issues.js";
import type { Action } from "../auth/roles.js";

export interface RouteSpec {
  method: "GET" | "POST";
  /** Literal segments and `:name` parameters, e.g. /units/:id */
  path: string;
  /**
   * public: anyone (the route may check something of its own, as /metrics does);
   * user: anyone logged in; an action: a user allowed to do it (roles.ts), on the unit named by
   * the `unit` parameter when the route has one.
   */
  access: "public" | "user" | Action;
  /** The path parameter that holds a unit id; the user must be allowed `access` on that unit. */
  unit?: string;
  /** Query parameters the route takes; any other is refused with 400. */
  query?: z.ZodObject;
}

const text = (max = 200) => z.string().max(max).optional();
const noQuery = z.strictObject({});
const lang = z.enum(["vi", "en"]).optional();
const reportQuery = z.strictObject({
  lang,
  period: text(20),
  format: z.enum(["html", "csv", "json"]).optional(),
});
/** Passed on as they are, bounded: the API's own schemas say what is wrong with them. */
const apiQuery = z.object({}).catchall(z.string().max(200));

export const ROUTES = {
  healthz: { method: "GET", path: "/healthz", access: "public" },
  /** Has its own bearer token (metrics.token), for Prometheus, which cannot log in. */
  metrics: { method: "GET", path: "/metrics", access: "public" },
  loginPage: {
    method: "GET",
    path: "/login",
    access: "public",
    query: z.strictObject({ next: text(500) }),
  },
  login: { method: "POST", path: "/login", access: "public" },
  logout: { method: "POST", path: "/logout", access: "user" },
  overview: {
    method: "GET",
    path: "/",
    access: "read",
    query: z.strictObject({ lang, window: text(10), sort: z.enum(["worst", "name"]).optional() }),
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
    query: z.strictObject({ lang, window: text(10) }),
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
  // The JSON API checks its own query parameters (shared/api-query.ts), naming the bad one.
  apiUnits: { method: "GET", path: "/api/v1/units", access: "read", query: apiQuery },
  apiUnit: {
    method: "GET",
    path: "/api/v1/units/:id",
    access: "read",
    unit: "id",
    query: apiQuery,
  },
  apiChecks: {
    method: "GET",
    path: "/api/v1/units/:id/checks",
    access: "read",
    unit: "id",
    query: apiQuery,
  },
  apiSummary: {
    method: "GET",
    path: "/api/v1/units/:id/summary",
    access: "read",
    unit: "id",
    query: apiQuery,
  },
  apiIncidents: { method: "GET", path: "/api/v1/incidents", access: "read", query: apiQuery },
  apiInventory: { method: "GET", path: "/api/v1/inventory", access: "read", query: apiQuery },
  signoff: {
    method: "POST",
    path: "/units/:id/signoff",
    access: "signoff",
    unit: "id",
    query: z.strictObject({ lang }),
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

export interface MatchedRoute {
  name: RouteName;
  spec: RouteSpec;
  params: Record<string, string>;
}

const PARAM = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The route for a method and path; HttpError 404 or 405 when there is none. */
export function matchRoute(method: string, pathname: string): MatchedRoute {
  const wanted = method === "HEAD" ? "GET" : method;
  const segments = pathname.split("/");
  let pathExists = false;
  for (const [name, spec] of Object.entries(ROUTES) as [RouteName, RouteSpec][]) {
    const params = matchPath(spec.path.split("/"), segments);
    if (!params) continue;
    pathExists = true;
    if (spec.method !== wanted) continue;
    if (spec.unit !== undefined && !UNIT_ID.test(params[spec.unit] ?? "")) {
      throw new HttpError(404, `no unit "${params[spec.unit]?.slice(0, 64)}"`);
    }
    return { name, spec, params };
  }
  if (pathExists) {
    throw new HttpError(405, `${method} is not allowed on ${pathname.slice(0, 200)}`);
  }
  throw new HttpError(404, `no page at ${pathname.slice(0, 200)}`);
}

function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
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

/** The query parameters, checked against the route's schema; 400 naming the parameter otherwise. */
export function parseQuery(spec: RouteSpec, search: URLSearchParams): Record<string, unknown> {
  const values = new Map<string, string>();
  for (const [key, value] of search) {
    if (values.has(key)) {
      throw new HttpError(400, `query parameter ${key.slice(0, 64)}: given twice`);
    }
    values.set(key, value);
  }
  const parsed = (spec.query ?? noQuery).safeParse(Object.fromEntries(values));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? formatPath(issue.path).slice(0, 64) : "";
  throw new HttpError(
    400,
    `query${where ? ` parameter ${where}` : ""}: ${issue ? issueMessage(issue) : "not accepted"}`,
  );
}
