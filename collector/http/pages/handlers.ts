// The pages behind the route table: each renders, then sends what it rendered; and the sign-off
// POST, which records what the unit's leader signed (with the audit log, in one transaction) or
// sends the form back with what was wrong, in the reader's language.
import type { ReportsConfig } from "../../../shared/config/collector.js";
import type { Logger } from "../../../shared/log.js";
import { recordAudit } from "../../auth/audit.js";
import { LOCAL_USER } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import type { Discovery } from "../../discovery/service.js";
import type { Readers } from "../../inspection/readers.js";
import {
  addSignoff,
  SIGNOFF_PROBLEMS,
  type SignoffProblem,
  signoffFormSchema,
} from "../../inspection/signoffs.js";
import { findUnit } from "../../inspection/unit-status.js";
import { listUnits } from "../../inspection/units.js";
import type { MaintenanceActions } from "../api/maintenance.js";
import type { RequestContext } from "../request.js";
import { redirect, send } from "../respond.js";
import type { Html } from "./html.js";
import { langOf } from "./i18n/index.js";
import { chromeOf } from "./layout.js";
import { maintenanceFormHandlers } from "./maintenance-form.js";
import { type PageRequest, type Rendered, renderPages } from "./pages.js";

export interface PageDeps {
  db: Db;
  ctx: Readers;
  log: Logger;
  reports?: ReportsConfig | undefined;
  /** Declaring and ending maintenance windows, shared with the JSON API. */
  maintenance: MaintenanceActions;
  /** Discovery runs of units' networks: the unit page's section, when the collector runs them. */
  discovery?: Discovery | undefined;
  /** The site's navigation and who is logged in, with the log-out form. */
  header(ctx: RequestContext): Html;
}

/** The routes of the pages rendered here. */
type PageRoute =
  | "overview"
  | "unitPage"
  | "report"
  | "cityReport"
  | "signoff"
  | "maintenanceCreate"
  | "maintenanceEnd";

const TYPES = {
  html: "text/html; charset=utf-8",
  csv: "text/csv; charset=utf-8",
};

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
  const reply = (request: RequestContext<PageRoute>, status: number, rendered: Rendered) => {
    const { type, body, filename } = rendered;
    send(request.response, status, TYPES[type], body, {
      ...(filename ? { "Content-Disposition": `attachment; filename="${filename}"` } : {}),
    });
  };
  const serve =
    (render: (request: PageRequest) => Rendered) => (request: RequestContext<PageRoute>) =>
      reply(request, 200, render(asPage(request)));

  return {
    overview: serve(pages.overview),
    unitPage: serve(pages.unitPage),
    report: serve(pages.report),
    cityReport: serve(pages.cityReport),
    ...maintenanceFormHandlers({
      actions: deps.maintenance,
      maintenance: deps.ctx.history.maintenance,
      chrome: (request) => chromeOf(request.url, deps.header(request)),
      unitPageWith: (request, state) => {
        const page = { ...asPage(request), params: { id: request.route.params.id } };
        reply(request, 400, pages.unitPageWith(page, undefined, state));
      },
    }),

    signoff(request: RequestContext<"signoff">) {
      const { id } = request.route.params;
      const form = Object.fromEntries(request.form ?? new URLSearchParams());
      delete form._csrf;
      const now = deps.ctx.now();
      const parsed = signoffFormSchema(now).safeParse(form);
      const page: PageRequest = { ...asPage(request), params: { id } };
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) =>
          (SIGNOFF_PROBLEMS as readonly string[]).includes(issue.message)
            ? (issue.message as SignoffProblem)
            : "form_invalid",
        );
        reply(request, 400, pages.unitPageWith(page, { values: form, problems }));
        return;
      }
      const user = request.user ?? LOCAL_USER;
      const unit = findUnit(listUnits(db), id);
      const signer = {
        account: user.name,
        name: unit.leader?.name ?? user.name,
        title: unit.leader?.title ?? null,
      };
      const signoffId = db.transaction(() => {
        const added = addSignoff(db, id, parsed.data, signer, now);
        recordAudit(
          db,
          {
            actor: user.name,
            action: "signoff",
            unit: id,
            target: parsed.data.period,
            detail: { signoff: added, leader: signer.name, date: parsed.data.date },
          },
          now,
        );
        return added;
      })();
      deps.log.info(
        { unit: id, period: parsed.data.period, signoff: signoffId },
        "inspection signed off",
      );
      const lang = langOf(request.url) === "en" ? "&lang=en" : "";
      redirect(request.response, `/units/${id}?saved=${signoffId}${lang}#signoffs`);
    },
  };
}
