// The leaders' pages: city overview, unit page, inspection reports (HTML, print view, CSV) and the
// sign-off form. Each reads the same figures the JSON API serves, so page and API never disagree.

import { type Period, parsePeriod, windowQuerySchema } from "../../../shared/api-query.js";
import { type ReportsConfig, reportsSchema } from "../../../shared/config/collector.js";
import { HttpError } from "../../../shared/errors.js";
import { can, type User } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import type { Discovery } from "../../discovery/service.js";
import { bufferLosses } from "../../inspection/buffer-losses.js";
import { lanInventory } from "../../inspection/lan-devices.js";
import { listMaintenance } from "../../inspection/maintenance-list.js";
import {
  lastEndedMonth,
  recentPeriods,
  shiftPeriod,
  signablePeriods,
} from "../../inspection/periods.js";
import type { Readers } from "../../inspection/readers.js";
import {
  listSignoffs,
  type SignoffProblem,
  signedUnits,
  signoffsOfPeriod,
  vietnamDay,
} from "../../inspection/signoffs.js";
import { inspectionSummaries, inspectionSummary } from "../../inspection/summary.js";
import { categoryTimelines, monthlyAvailability } from "../../inspection/timeline.js";
import { CheckTitles } from "../../inspection/titles.js";
import { unitChecks, unitDetail, unitsStatus } from "../../inspection/unit-status.js";
import { listUnits } from "../../inspection/units.js";
import { MessageStore } from "../../notifications/messages.js";
import { badRequest } from "../query.js";
import { centralChecksForm } from "./central-checks.js";
import { cityDocuments } from "./city-report.js";
import { type Html, html } from "./html.js";
import { type Chrome, chromeOf, link } from "./layout.js";
import type { MaintenanceFormState } from "./maintenance-form.js";
import { renderOverview } from "./overview.js";
import { unitDocument } from "./report.js";
import { renderReportPage } from "./report-page.js";
import { summaryCsv } from "./summary-csv.js";
import { renderUnitPage } from "./unit-page.js";

/** What a page needs of the request: the HTTP layer's RequestContext has all of it. */
export interface PageRequest {
  url: URL;
  query: Record<string, unknown>;
  params: Record<string, string>;
  user: User;
  csrf(): string;
  /** The site's navigation and who is logged in, with the log-out form. */
  header: Html;
}

/** A rendered answer: an HTML page, or an export to download. */
export interface Rendered {
  type: "html" | "csv";
  body: string;
  /** For exports: the file name a browser saves it under. */
  filename?: string;
}

/** A sign-off form sent back with what was wrong. */
export interface SignoffAttempt {
  values: Record<string, string>;
  problems: SignoffProblem[];
}

/** Incidents a page of the unit page lists. */
export const INCIDENTS_PER_PAGE = 50;
/** Notifications the unit page lists, newest first. */
const NOTIFICATIONS_LISTED = 20;
/** Slots of the status timelines for each window. */
const SLOTS: Record<string, number> = { "24h": 48, "7d": 56, "30d": 60 };

function windowOf(request: PageRequest, now: number): { text: string; from: number; to: number } {
  const text = (request.query.window as string | undefined) ?? "24h";
  const parsed = windowQuerySchema.safeParse({ window: text });
  if (!parsed.success) throw badRequest(parsed.error, (_, say) => `query parameter window: ${say}`);
  const length = parsed.data.window ?? 86_400_000;
  return { text, from: now - length, to: now };
}

/** The period asked for, or the month just ended: the one leaders sign. */
function periodOf(request: PageRequest, now: number): Period {
  const text = request.query.period as string | undefined;
  if (text === undefined) return lastEndedMonth(now);
  const period = parsePeriod(text);
  if (!period) {
    throw new HttpError(
      400,
      `query parameter period: "${text}" is not a period (write a month 2026-11, a quarter 2026-Q4 or a year 2026)`,
    );
  }
  return period;
}

function neighbours(period: Period, now: number) {
  const next = shiftPeriod(period, 1);
  return { previous: shiftPeriod(period, -1), next: next.from <= now ? next : undefined };
}

/** The pages as functions from a request to text, without HTTP: the benchmarks time these. */
export function renderPages(deps: {
  db: Db;
  ctx: Readers;
  reports?: ReportsConfig | undefined;
  discovery?: Discovery | undefined;
}) {
  const { ctx, db } = deps;
  const reports = deps.reports ?? reportsSchema.parse({});
  const chrome = (request: PageRequest): Chrome => chromeOf(request.url, request.header);
  const scopeOf = (user: User) => (user.role === "unit" ? (user.unit ?? "") : undefined);
  const sent = new MessageStore(db);

  const unitPage = (
    request: PageRequest,
    attempt?: SignoffAttempt,
    maintenanceAttempt?: Omit<MaintenanceFormState, "csrf">,
  ): Rendered => {
    const id = request.params.id as string;
    const now = ctx.now();
    const window = windowOf(request, now);
    const unit = unitDetail(ctx, id, window);
    const page = Math.max(1, Number(request.query.page ?? 1));
    const filter = { unit: id, from: window.from, to: window.to };
    const total = ctx.incidents.count(filter);
    const pages = Math.max(1, Math.ceil(total / INCIDENTS_PER_PAGE));
    const incidents = ctx.incidents.list(
      {
        ...filter,
        limit: INCIDENTS_PER_PAGE,
        offset: (Math.min(page, pages) - 1) * INCIDENTS_PER_PAGE,
      },
      now,
    ).incidents;
    const c = chrome(request);
    const title = new CheckTitles(db).of([id]);
    const withTitle = <T extends { agent: string; check: string }>(item: T) => ({
      ...item,
      title: title(id, item.agent, item.check),
    });
    const signoffs = listSignoffs(db, id);
    const saved = signoffs.find((s) => String(s.id) === request.query.saved);
    const body = renderUnitPage(c, {
      unit,
      window: window.text,
      from: window.from,
      to: window.to,
      checks: unitChecks(ctx, id, window).checks,
      timelines: categoryTimelines(ctx, id, window.from, window.to, SLOTS[window.text] ?? 48),
      months: monthlyAvailability(ctx, id, 12),
      incidents,
      paging: {
        page: Math.min(page, pages),
        pages,
        total,
        size: INCIDENTS_PER_PAGE,
        href: (n) =>
          `${link(c, `/units/${id}`, { window: window.text, page: String(n) })}#incidents`,
      },
      inventory: ctx.inventory.latest({ unit: id }).map(withTitle),
      lanDevices: lanInventory(db, id),
      changes: ctx.inventory.changes(id, window.from, window.to).map(withTitle),
      signoffs,
      maintenance: listMaintenance(ctx.history.maintenance, [id], now).windows,
      notifications: sent.ofUnit(id, NOTIFICATIONS_LISTED),
      losses: bufferLosses(ctx.history, id, window.from, window.to, now),
      period: lastEndedMonth(now),
      central: can(request.user, "configure", id)
        ? centralChecksForm(db, id, unit.agents, request.csrf())
        : undefined,
      discovery:
        deps.discovery && can(request.user, "discover", id)
          ? {
              csrf: request.csrf(),
              view: deps.discovery.view(id),
              run: deps.discovery.store.latest(id),
            }
          : undefined,
      signoff: can(request.user, "signoff", id)
        ? {
            csrf: request.csrf(),
            unitName: unit.name,
            periods: signablePeriods(now),
            today: vietnamDay(now),
            ...(attempt ? { values: attempt.values, problems: attempt.problems } : {}),
          }
        : undefined,
      saved,
      enrollmentCodes: can(request.user, "enroll", id),
      maintenanceForm: can(request.user, "maintenance", id)
        ? { csrf: request.csrf(), ...maintenanceAttempt }
        : undefined,
    });
    return { type: "html", body };
  };

  return {
    overview(request: PageRequest): Rendered {
      const now = ctx.now();
      const window = windowOf(request, now);
      const period = periodOf(request, now);
      const data = unitsStatus(ctx, window, scopeOf(request.user));
      return {
        type: "html",
        body: renderOverview(chrome(request), data, {
          window: window.text,
          sort: request.query.sort === "name" ? "name" : "worst",
          period,
          periods: recentPeriods(now),
          neighbours: neighbours(period, now),
          signed: signedUnits(db, period.id),
        }),
      };
    },

    unitPage: (request: PageRequest) => unitPage(request),
    /** The unit page with a sign-off form sent back for its problems. */
    unitPageWith: unitPage,

    report(request: PageRequest): Rendered {
      const id = request.params.unit as string;
      const now = ctx.now();
      const period = periodOf(request, now);
      const summary = inspectionSummary(ctx, id, period);
      const c = chrome(request);
      if (request.query.format === "csv") {
        const filename = `giamsat-${id}-${period.id}.csv`;
        return { type: "csv", body: summaryCsv(c.f, [summary]), filename };
      }
      const title = `${c.f.t.report.heading}: ${summary.unit.name}, ${c.f.period(period)}`;
      const documents = unitDocument(c.f, reports, summary, listSignoffs(db, id, period.id));
      const extra = html` <a href="${link(c, `/units/${id}`)}">${summary.unit.name}</a>`;
      return {
        type: "html",
        body: renderReportPage(c, {
          path: `/reports/${id}`,
          title,
          period,
          periods: recentPeriods(now),
          neighbours: neighbours(period, now),
          documents,
          print: request.query.view === "print",
          extra,
        }),
      };
    },

    cityReport(request: PageRequest): Rendered {
      const now = ctx.now();
      const period = periodOf(request, now);
      const scope = scopeOf(request.user);
      const units = listUnits(db).filter(
        (u) => (u.active || scope === u.id) && (scope === undefined || u.id === scope),
      );
      const summaries = inspectionSummaries(
        ctx,
        units.map((u) => u.id),
        period,
      );
      const c = chrome(request);
      if (request.query.format === "csv") {
        const filename = `giamsat-city-${period.id}.csv`;
        return { type: "csv", body: summaryCsv(c.f, summaries), filename };
      }
      const documents = cityDocuments(
        c.f,
        reports,
        summaries,
        signoffsOfPeriod(db, period.id),
        now,
      );
      return {
        type: "html",
        body: renderReportPage(c, {
          path: "/reports",
          title: `${c.f.t.nav.cityReport}: ${c.f.period(period)}`,
          period,
          periods: recentPeriods(now),
          neighbours: neighbours(period, now),
          documents,
          print: request.query.view === "print",
        }),
      };
    },
  };
}
