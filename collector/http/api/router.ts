// The JSON API under /api/v1/: one small adapter per route of the table (routes.ts), from its typed
// path parameters and query to a declared answer of the inspection. The server calls them once
// the guard let the request through; createApi offers the same API as a plain function of a URL,
// for tests and benchmarks that do without HTTP.
import { resolveWindow } from "../../../shared/api-query.js";
import { HttpError } from "../../../shared/errors.js";
import type { History } from "../../inspection/history.js";
import type { IncidentPage } from "../../inspection/incident-list.js";
import type { InventoryItem } from "../../inspection/inventory.js";
import { type LanDevice, lanInventory } from "../../inspection/lan-devices.js";
import { listMaintenance, type MaintenancePage } from "../../inspection/maintenance-list.js";
import { type AgentListing, inspectionReaders, type Readers } from "../../inspection/readers.js";
import { type InspectionSummary, inspectionSummary } from "../../inspection/summary.js";
import {
  findUnit,
  type UnitChecks,
  type UnitDetail,
  type UnitsStatus,
  unitChecks,
  unitDetail,
  unitsStatus,
} from "../../inspection/unit-status.js";
import { listUnits } from "../../inspection/units.js";
import { API_QUERY, parseQuery } from "../query.js";
import { type ApiRouteName, matchRoute, type ParamsOf, type QueryOf } from "../routes.js";

/** What each API route answers with. */
export interface ApiAnswers {
  apiUnits: UnitsStatus;
  apiUnit: UnitDetail;
  apiChecks: UnitChecks;
  apiSummary: InspectionSummary;
  apiIncidents: IncidentPage;
  /** The agents' inventories, and beside them the devices discovery found on the units' LANs. */
  apiInventory: { inventory: InventoryItem[]; lanDevices: LanDevice[] };
  apiMaintenance: MaintenancePage;
}

/**
 * The adapters. `scope` is the one unit the caller may read (a `unit` user): lists are cut down
 * to it and a filter naming another unit is refused with 403.
 */
export type ApiRoutes = {
  [N in ApiRouteName]: (
    params: ParamsOf<N>,
    query: QueryOf<N>,
    scope: string | undefined,
  ) => ApiAnswers[N];
};

export function apiRoutes(ctx: Readers): ApiRoutes {
  /** The unit filter a scoped caller gets: theirs, whatever they asked. */
  const within = (asked: string | undefined, scope: string | undefined) => {
    if (scope === undefined) return asked;
    if (asked !== undefined && asked !== scope) {
      throw new HttpError(403, `unit: you may read only unit "${scope}"`);
    }
    return scope;
  };
  /** A unit named in a filter must exist: a typo should not look like "no incidents". */
  const known = (unit: string) => {
    try {
      findUnit(listUnits(ctx.history.db), unit);
    } catch {
      throw new HttpError(400, `unit: no unit "${unit}"`);
    }
  };

  return {
    apiUnits: (_, query, scope) => unitsStatus(ctx, resolveWindow(query, ctx.now()), scope),
    apiUnit: ({ id }, query) => unitDetail(ctx, id, resolveWindow(query, ctx.now())),
    apiChecks: ({ id }, query) => unitChecks(ctx, id, resolveWindow(query, ctx.now())),
    apiSummary: ({ id }, query) => inspectionSummary(ctx, id, query.period),
    apiIncidents: (_, query, scope) => {
      const unit = within(query.unit, scope);
      if (unit !== undefined) known(unit);
      const hasWindow =
        query.window !== undefined || query.from !== undefined || query.to !== undefined;
      const window = hasWindow ? resolveWindow(query, ctx.now()) : undefined;
      return ctx.incidents.list(
        {
          unit,
          category: query.category,
          state: query.state,
          kind: query.kind,
          from: window?.from,
          to: window?.to,
          limit: query.limit,
        },
        ctx.now(),
      );
    },
    apiInventory: (_, query, scope) => {
      const unit = within(query.unit, scope);
      if (unit !== undefined) known(unit);
      // Discovered devices belong to no agent and no check kind: a filter on either leaves them out.
      const lan = query.agent === undefined && query.kind === undefined;
      return {
        inventory: ctx.inventory.latest({ ...query, unit }),
        lanDevices: lan ? lanInventory(ctx.history.db, unit) : [],
      };
    },
    apiMaintenance: (_, query, scope) => {
      const unit = within(query.unit, scope);
      if (unit !== undefined) known(unit);
      const units = unit === undefined ? undefined : [unit];
      return listMaintenance(ctx.history.maintenance, units, ctx.now());
    },
  };
}

/** Calls the adapter of an API route; a plain function of any API route name. */
export function answerApi<N extends ApiRouteName>(
  routes: ApiRoutes,
  name: N,
  params: ParamsOf<N>,
  query: QueryOf<N>,
  scope: string | undefined,
): ApiAnswers[N] {
  // TypeScript cannot follow one N through the mapped type; the table ties them together.
  const adapter = routes[name] as (
    params: ParamsOf<N>,
    query: QueryOf<N>,
    scope: string | undefined,
  ) => ApiAnswers[N];
  return adapter(params, query, scope);
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Answers one API request by its URL; `scope` as for ApiRoutes. */
export type ApiHandler = (url: URL, scope?: string) => ApiResponse;

export interface ApiDeps {
  history: History;
  agents: AgentListing;
  clock?: () => number;
}

/** The API without HTTP: the route table finds the route, as the server does. */
export function createApi(deps: ApiDeps, ctx: Readers = inspectionReaders(deps)): ApiHandler {
  const routes = apiRoutes(ctx);
  return (url, scope) => {
    try {
      const route = apiRoute(url.pathname);
      const query = parseQuery(url.searchParams, route.query, API_QUERY) as QueryOf<ApiRouteName>;
      return { status: 200, body: answerApi(routes, route.name, route.params, query, scope) };
    } catch (error) {
      if (error instanceof HttpError) {
        return { status: error.status, body: { error: error.message } };
      }
      throw error;
    }
  };
}

function apiRoute(pathname: string) {
  let route: ReturnType<typeof matchRoute> | undefined;
  try {
    route = matchRoute("GET", pathname.replace(/\/+$/, ""));
  } catch {
    route = undefined;
  }
  const query = route?.spec.api ? route.spec.query : undefined;
  if (!route || !query) throw new HttpError(404, `no API route at ${pathname}`);
  return { ...route, name: route.name as ApiRouteName, query };
}
