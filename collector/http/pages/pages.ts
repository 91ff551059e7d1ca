// The leaders' pages: city overview, unit page, inspection summaries (HTML, CSV, JSON) and the
// sign-off form. Each reads the same figures the JSON API serves, so page and API never disagree.
import { parsePeriod, VIETNAM_OFFSET_MS, windowQuerySchema } from "../../../shared/api-query.js";
import { HttpError } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/log.js";
import { recordAudit } from "../../auth/audit.js";
import { can, LOCAL_USER, type User } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import { changeCount } from "../../inspection/inventory-diff.js";
import type { Readers } from "../../inspection/readers.js";
import {
  addSignoff,
  listSignoffs,
  signedUnits,
  signoffFormSchema,
  signoffsOfPeriod,
} from "../../inspection/signoffs.js";
import { inspectionSummaries, inspectionSummary } from "../../inspection/summary.js";
import { checkTrends } from "../../inspection/trends.js";
import { unitChecks, unitDetail, unitsStatus } from "../../inspection/unit-status.js";
import { listUnits } from "../../inspection/units.js";
import { MessageStore } from "../../notifications/messages.js";
import { badRequest } from "../query.js";
import type { RequestContext } from "../request.js";
import { redirect, send } from "../respond.js";
import { renderCityReport } from "./city-report.js";
import type { Html } from "./html.js";
import { langOf } from "./i18n/index.js";
import { type Chrome, chromeOf } from "./layout.js";
import { renderOverview } from "./overview.js";
import { renderUnitReport } from "./report.js";
import { summaryCsv } from "./summary-csv.js";
import { renderUnitPage } from "./unit-page.js";

export interface PageDeps {
  db: Db;
  ctx: Readers;
  log: Logger;
  /** Who is logged in, with the log-out form. */
  header(ctx: RequestContext): Html;
}

type Format = "html" | "csv" | "json";
/** Notifications the unit page lists, newest first. */
const NOTIFICATIONS_LISTED = 20;
/** The routes of the pages rendered here. */
type PageRoute = "overview" | "unitPage" | "report" | "cityReport";

/** What a page needs of the request: the HTTP layer's RequestContext has all of it. */
export interface PageRequest {
  url: URL;
  query: Record<string, unknown>;
  params: Record<string, string>;
  user: User;
  csrf(): string;
  /** Who is logged in, with the log-out form. */
  header: Html;
}

/** A rendered answer: an HTML page, or an export to download. */
export interface Rendered {
  type: "html" | "csv" | "json";
  body: string;
  /** For exports: the file name a browser saves it under. */
  filename?: string;
}

/** The month it is now in Vietnam, e.g. 2026-11: the period leaders inspect by default. */
export function currentPeriod(now: number): string {
  return new Date(now + VIETNAM_OFFSET_MS).toISOString().slice(0, 7);
}

function windowOf(request: PageRequest, now: number): { text: string; from: number; to: number } {
  const text = (request.query.window as string | undefined) ?? "24h";
  const parsed = windowQuerySchema.safeParse({ window: text });
  if (!parsed.success) throw badRequest(parsed.error, (_, say) => `query parameter window: ${say}`);
  const length = parsed.data.window ?? 86_400_000;
  return { text, from: now - length, to: now };
}

function periodOf(request: PageRequest, now: number) {
  const text = (request.query.period as string | undefined) ?? currentPeriod(now);
  const period = parsePeriod(text);
  if (!period) {
    throw new HttpError(
      400,
      `query parameter period: "${text}" is not a period (write a month 2026-11, a quarter 2026-Q4 or a year 2026)`,
    );
  }
  return period;
}

/** The pages as functions from a request to text, without HTTP: the benchmarks time these. */
export function renderPages(deps: { db: Db; ctx: Readers }) {
  const { ctx, db } = deps;
  const chrome = (request: PageRequest): Chrome => chromeOf(request.url, request.header);
  const scopeOf = (user: User) => (user.role === "unit" ? (user.unit ?? "") : undefined);
  const sent = new MessageStore(db);

  return {
    overview(request: PageRequest): Rendered {
      const now = ctx.now();
      const window = windowOf(request, now);
      const data = unitsStatus(ctx, window, scopeOf(request.user));
      const period = currentPeriod(now);
      const sort = request.query.sort === "name" ? "name" : "worst";
      return {
        type: "html",
        body: renderOverview(chrome(request), data, {
          window: window.text,
          sort,
          period,
          inspected: signedUnits(db, period),
        }),
      };
    },

    unitPage(request: PageRequest): Rendered {
      const id = request.params.id as string;
      const now = ctx.now();
      const window = windowOf(request, now);
      const unit = unitDetail(ctx, id, window);
      const checks = unitChecks(ctx, id, window).checks;
      const recent = ctx.incidents.list(
        { unit: id, from: window.from, to: window.to, limit: 20 },
        now,
      ).incidents;
      const period = currentPeriod(now);
      const user = request.user;
      return {
        type: "html",
        body: renderUnitPage(chrome(request), {
          unit,
          from: window.from,
          to: window.to,
          window: window.text,
          checks,
          openIncidents: unit.incidents,
          recentIncidents: recent.filter((i) => i.end !== null),
          trends: checkTrends(ctx.history, id, window.from, window.to),
          inventory: ctx.inventory.latest({ unit: id }).map((item) => ({
            ...item,
            changed: item.changes ? changeCount(item.changes) : 0,
          })),
          signoffs: listSignoffs(db, id),
          notifications: sent.ofUnit(id, NOTIFICATIONS_LISTED),
          period,
          signoffCsrf: can(user, "signoff", id) ? request.csrf() : undefined,
        }),
      };
    },

    report(request: PageRequest): Rendered {
      const id = request.params.unit as string;
      const period = periodOf(request, ctx.now());
      const summary = inspectionSummary(ctx, id, period);
      const format = (request.query.format as Format | undefined) ?? "html";
      const name = `giamsat-${id}-${period.id}`;
      if (format === "json") {
        return { type: "json", body: JSON.stringify(summary), filename: `${name}.json` };
      }
      if (format === "csv") {
        return { type: "csv", body: summaryCsv([summary]), filename: `${name}.csv` };
      }
      return {
        type: "html",
        body: renderUnitReport(chrome(request), summary, listSignoffs(db, id, period.id)),
      };
    },

    cityReport(request: PageRequest): Rendered {
      const period = periodOf(request, ctx.now());
      const scope = scopeOf(request.user);
      const units = listUnits(db).filter(
        (u) => (u.active || scope === u.id) && (scope === undefined || u.id === scope),
      );
      const summaries = inspectionSummaries(
        ctx,
        units.map((u) => u.id),
        period,
      );
      const format = (request.query.format as Format | undefined) ?? "html";
      const name = `giamsat-city-${period.id}`;
      if (format === "json") {
        const body = JSON.stringify({ period: period.id, summaries });
        return { type: "json", body, filename: `${name}.json` };
      }
      if (format === "csv") {
        return { type: "csv", body: summaryCsv(summaries), filename: `${name}.csv` };
      }
      const signoffs = signoffsOfPeriod(db, period.id);
      return {
        type: "html",
        body: renderCityReport(chrome(request), period.id, summaries, signoffs),
      };
    },
  };
}

const TYPES = {
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** The pages behind the route table: each renders, then sends what it rendered. */
export function pageHandlers(deps: PageDeps) {
  const { db } = deps;
  const pages = renderPages(deps);
  const asPage = (request: RequestContext<PageRoute>): PageRequest => ({
    url: request.url,
    query: request.query,
    params: request.route.params,
    user: request.user ?? LOCAL_USER,
    csrf: () => request.csrf(),
    header: deps.header(request),
  });
  const serve =
    (render: (request: PageRequest) => Rendered) => (request: RequestContext<PageRoute>) => {
      const { type, body, filename } = render(asPage(request));
      send(request.response, 200, TYPES[type], body, {
        ...(filename ? { "Content-Disposition": `inline; filename="${filename}"` } : {}),
      });
    };

  return {
    overview: serve(pages.overview),
    unitPage: serve(pages.unitPage),
    report: serve(pages.report),
    cityReport: serve(pages.cityReport),

    signoff(request: RequestContext<"signoff">) {
      const { id } = request.route.params;
      const form = Object.fromEntries(request.form ?? new URLSearchParams());
      delete form._csrf;
      const parsed = signoffFormSchema.safeParse(form);
      if (!parsed.success)
        throw badRequest(parsed.error, (where, say) => `${where || "form"}: ${say}`);
      const user = request.user ?? LOCAL_USER;
      const now = Date.now();
      const signoffId = db.transaction(() => {
        const added = addSignoff(db, id, parsed.data, user.name, now);
        recordAudit(
          db,
          {
            actor: user.name,
            action: "signoff",
            unit: id,
            target: parsed.data.period,
            detail: { signoff: added, inspector: parsed.data.inspector, date: parsed.data.date },
          },
          now,
        );
        return added;
      })();
      deps.log.info(
        { unit: id, period: parsed.data.period, signoff: signoffId },
        "inspection signed off",
      );
      const back = langOf(request.url) === "en" ? `/units/${id}?lang=en` : `/units/${id}`;
      redirect(request.response, `${back}#signoffs`);
    },
  };
}
