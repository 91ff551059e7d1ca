// The JSON API under /api/v1/: a plain function from request and URL to a status and a body, so
// the HTTP layer (and whatever checks who may call it) wraps it without knowing the routes.
import {
  incidentQuerySchema,
  inventoryQuerySchema,
  resolveWindow,
  summaryQuerySchema,
  windowQuerySchema,
} from "../../../shared/api-query.js";
import type { IncidentsConfig } from "../../../shared/config/collector.js";
import { HttpError } from "../../../shared/errors.js";
import type { History } from "../../inspection/history.js";
import { type AgentListing, inspectionReaders, type Readers } from "../../inspection/readers.js";
import { inspectionSummary } from "../../inspection/summary.js";
import { findUnit, unitChecks, unitDetail, unitsStatus } from "../../inspection/unit-status.js";
import { listUnits } from "../../inspection/units.js";
import { keysOf, parseQuery } from "./params.js";

export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * Answers one API request. `scope` is the one unit the caller may read (a `unit` user): lists
 * are cut down to it and a filter naming another unit is refused with 403.
 */
export type ApiHandler = (url: URL, scope?: string) => ApiResponse;

export interface ApiDeps {
  history: History;
  agents: AgentListing;
  incidents: IncidentsConfig;
  clock?: () => number;
}

export function createApi(deps: ApiDeps, ctx: Readers = inspectionReaders(deps)): ApiHandler {
  const windowKeys = keysOf(windowQuerySchema);

  /** The unit filter a scoped caller gets: theirs, whatever they asked. */
  const within = (asked: string | undefined, scope: string | undefined) => {
    if (scope === undefined) return asked;
    if (asked !== undefined && asked !== scope) {
      throw new HttpError(403, `unit: you may read only unit "${scope}"`);
    }
    return scope;
  };

  const route = (url: URL, scope: string | undefined): unknown => {
    const path = url.pathname.replace(/\/+$/, "");
    const parts = path.split("/").slice(3).map(decodeURIComponent);
    const [resource, id, sub, ...rest] = parts;
    if (resource === "units" && rest.length === 0) {
      if (id === undefined) {
        return unitsStatus(
          ctx,
          resolveWindow(parseQuery(url, windowQuerySchema, windowKeys), ctx.now()),
          scope,
        );
      }
      if (sub === undefined) {
        return unitDetail(
          ctx,
          id,
          resolveWindow(parseQuery(url, windowQuerySchema, windowKeys), ctx.now()),
        );
      }
      if (sub === "checks") {
        return unitChecks(
          ctx,
          id,
          resolveWindow(parseQuery(url, windowQuerySchema, windowKeys), ctx.now()),
        );
      }
      if (sub === "summary") {
        const query = parseQuery(url, summaryQuerySchema, keysOf(summaryQuerySchema));
        return inspectionSummary(ctx, id, query.period);
      }
    }
    if (resource === "incidents" && id === undefined) {
      const query = parseQuery(url, incidentQuerySchema, keysOf(incidentQuerySchema));
      query.unit = within(query.unit, scope);
      if (query.unit !== undefined) known(query.unit);
      const hasWindow =
        query.window !== undefined || query.from !== undefined || query.to !== undefined;
      const window = hasWindow ? resolveWindow(query, ctx.now()) : undefined;
      return ctx.incidents.list(
        {
          unit: query.unit,
          category: query.category,
          state: query.state,
          kind: query.kind,
          from: window?.from,
          to: window?.to,
          limit: query.limit,
        },
        ctx.now(),
      );
    }
    if (resource === "inventory" && id === undefined) {
      const query = parseQuery(url, inventoryQuerySchema, keysOf(inventoryQuerySchema));
      query.unit = within(query.unit, scope);
      if (query.unit !== undefined) known(query.unit);
      return { inventory: ctx.inventory.latest(query) };
    }
    throw new HttpError(404, `no API route at ${url.pathname}`);
  };

  /** A unit named in a filter must exist: a typo should not look like "no incidents". */
  const known = (unit: string) => {
    try {
      findUnit(listUnits(deps.history.db), unit);
    } catch {
      throw new HttpError(400, `unit: no unit "${unit}"`);
    }
  };

  return (url, scope) => {
    try {
      return { status: 200, body: route(url, scope) };
    } catch (error) {
      if (error instanceof HttpError)
        return { status: error.status, body: { error: error.message } };
      throw error;
    }
  };
}
