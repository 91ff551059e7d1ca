// The leaders' pages: city overview, unit page, inspection summaries (HTML, CSV, JSON) and the
// sign-off form. Each reads the same figures the JSON API serves, so page and API never disagree.
import { parsePeriod, VIETNAM_OFFSET_MS, windowQuerySchema } from "../../shared/api-query.js";
import { HttpError } from "../../shared/errors.js";
import { formatPath, issueMessage } from "../../shared/issues.js";
import type { Logger } from "../../shared/log.js";
import type { FullApiContext } from "../api/router.js";
import { inspectionSummary } from "../api/summary.js";
import { checksPayload, unitPayload, unitsPayload } from "../api/units.js";
import { recordAudit } from "../auth/audit.js";
import type { RequestContext } from "../auth/guard.js";
import { can, LOCAL_USER, type User } from "../auth/roles.js";
import type { Db } from "../store/database.js";
import { addSignoff, listSignoffs, signedUnits, signoffFormSchema } from "../store/signoffs.js";
import { checkTrends } from "../store/trends.js";
import { listUnits } from "../store/units.js";
import type { Html } from "./html.js";
import { Formatter, langOf } from "./i18n/index.js";
import { type Chrome, link } from "./layout.js";
import { renderOverview } from "./overview.js";
import { renderCityReport, renderUnitReport, type SummaryView, summaryCsv } from "./report.js";
import { redirect, send, sendHtml } from "./respond.js";
import { renderUnitPage } from "./unit-page.js";

export interface PageDeps {
  db: Db;
  ctx: FullApiContext;
  log: Logger;
  /** Who is logged in, with the log-out form. */
  header(ctx: RequestContext): Html;
}

type Format = "html" | "csv" | "json";

/** The month it is now in Vietnam, e.g. 2026-11: the period leaders inspect by default. */
export function currentPeriod(now: number): string {
  return new Date(now + VIETNAM_OFFSET_MS).toISOString().slice(0, 7);
}

function windowOf(
  request: RequestContext,
  now: number,
): { text: string; from: number; to: number } {
  const text = (request.query.window as string | undefined) ?? "24h";
  const parsed = windowQuerySchema.safeParse({ window: text });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      400,
      `query parameter window: ${issue ? issueMessage(issue) : "not accepted"}`,
    );
  }
  const length = parsed.data.window ?? 86_400_000;
  return { text, from: now - length, to: now };
}

function periodOf(request: RequestContext, now: number) {
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

function download(request: RequestContext, name: string, format: "csv" | "json", body: string) {
  send(
    request.response,
    200,
    format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body,
    { "Content-Disposition": `inline; filename="${name}.${format}"` },
  );
}

export function pageHandlers(deps: PageDeps) {
  const { ctx, db } = deps;
  const chrome = (request: RequestContext): Chrome => ({
    f: new Formatter(langOf(request.url)),
    url: request.url,
    header: deps.header(request),
  });
  const userOf = (request: RequestContext): User => request.user ?? LOCAL_USER;
  const scopeOf = (user: User) => (user.role === "unit" ? (user.unit ?? "") : undefined);

  const summaryOf = (unit: string, period: ReturnType<typeof periodOf>) =>
    inspectionSummary(ctx, unit, period) as unknown as SummaryView;

  return {
    overview(request: RequestContext) {
      const now = ctx.now();
      const window = windowOf(request, now);
      const data = unitsPayload(ctx, window, scopeOf(userOf(request)));
      const period = currentPeriod(now);
      const sort = request.query.sort === "name" ? "name" : "worst";
      sendHtml(
        request.response,
        200,
        renderOverview(chrome(request), data, {
          window: window.text,
          sort,
          period,
          inspected: signedUnits(db, period),
        }),
      );
    },

    unitPage(request: RequestContext) {
      const id = request.route.params.id as string;
      const now = ctx.now();
      const window = windowOf(request, now);
      const unit = unitPayload(ctx, id, window);
      const checks = checksPayload(ctx, id, window).checks;
      const recent = ctx.incidents.list(
        { unit: id, from: window.from, to: window.to, limit: 20 },
        now,
      ).incidents;
      const period = currentPeriod(now);
      const user = userOf(request);
      sendHtml(
        request.response,
        200,
        renderUnitPage(chrome(request), {
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
            changed: item.changes
              ? item.changes.counts.added +
                item.changes.counts.removed +
                item.changes.counts.changed
              : 0,
          })),
          signoffs: listSignoffs(db, id),
          period,
          signoffCsrf: can(user, "signoff", id) ? request.csrf() : undefined,
        }),
      );
    },

    report(request: RequestContext) {
      const id = request.route.params.unit as string;
      const period = periodOf(request, ctx.now());
      const summary = summaryOf(id, period);
      const format = (request.query.format as Format | undefined) ?? "html";
      const name = `giamsat-${id}-${period.id}`;
      if (format === "json") return download(request, name, "json", JSON.stringify(summary));
      if (format === "csv") return download(request, name, "csv", summaryCsv([summary]));
      sendHtml(
        request.response,
        200,
        renderUnitReport(chrome(request), summary, listSignoffs(db, id, period.id)),
      );
    },

    cityReport(request: RequestContext) {
      const period = periodOf(request, ctx.now());
      const scope = scopeOf(userOf(request));
      const units = listUnits(db).filter(
        (u) => (u.active || scope === u.id) && (scope === undefined || u.id === scope),
      );
      const summaries = units.map((u) => summaryOf(u.id, period));
      const format = (request.query.format as Format | undefined) ?? "html";
      const name = `giamsat-city-${period.id}`;
      if (format === "json") {
        return download(request, name, "json", JSON.stringify({ period: period.id, summaries }));
      }
      if (format === "csv") return download(request, name, "csv", summaryCsv(summaries));
      const signoffs = new Map(units.map((u) => [u.id, listSignoffs(db, u.id, period.id)]));
      sendHtml(
        request.response,
        200,
        renderCityReport(chrome(request), period.id, summaries, signoffs),
      );
    },

    signoff(request: RequestContext) {
      const id = request.route.params.id as string;
      const form = Object.fromEntries(request.form ?? new URLSearchParams());
      delete form._csrf;
      const parsed = signoffFormSchema.safeParse(form);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? formatPath(issue.path) : "form";
        throw new HttpError(400, `${where}: ${issue ? issueMessage(issue) : "not accepted"}`);
      }
      const user = userOf(request);
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
      redirect(request.response, `${link(chrome(request), `/units/${id}`)}#signoffs`);
    },
  };
}
