// A unit's enrollment codes on the web, for operators (any unit) and the unit's own users: the list,
// the form that makes one (shown once, with the commands that install an agent with it), and revoke.
import { HttpError } from "../../../shared/errors.js";
import type { Logger } from "../../../shared/log.js";
import { type EnrollmentCode, EnrollmentCodes } from "../../agents/enrollment-codes.js";
import { recordAudit } from "../../auth/audit.js";
import { CSRF_FIELD } from "../../auth/csrf.js";
import { LOCAL_USER } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import type { RequestContext } from "../request.js";
import { redirect, sendHtml } from "../respond.js";
import { td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import { type Chrome, chromeOf, layout, link } from "./layout.js";

/** The lifetimes offered on the form, in days. */
const LIFETIME_DAYS = [1, 7, 30] as const;
const DAY = 86_400_000;

export interface CodePageDeps {
  db: Db;
  log: Logger;
  /** Served over HTTPS: agents then connect with wss://. */
  secure: boolean;
  header(ctx: RequestContext): Html;
}

function stateOf(chrome: Chrome, code: EnrollmentCode, now: number): string {
  const { codes } = chrome.f.t;
  if (code.revokedAt !== null) return codes.revoked;
  if (code.expiresAt <= now) return codes.expired;
  if (code.uses >= code.maxUses) return codes.usedUp;
  return codes.active;
}

function codeRow(chrome: Chrome, unit: string, code: EnrollmentCode, csrf: string, now: number) {
  const { f } = chrome;
  const state = stateOf(chrome, code, now);
  const revoke =
    state === f.t.codes.active
      ? html`<form method="post" action="${link(chrome, `/units/${unit}/enrollment-codes/${code.id}/revoke`)}"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button type="submit">${f.t.codes.revoke}</button></form>`
      : "";
  const cells = [
    td(`gse-${code.selector}-…`),
    td(f.dateTime(code.createdAt)),
    td(code.createdBy),
    td(`${code.uses} / ${code.maxUses}`),
    td(f.dateTime(code.expiresAt)),
    td(state),
  ];
  return html`<tr data-code="${code.id}">${cells}${td(revoke)}</tr>`;
}

function codeForm(chrome: Chrome, unit: string, csrf: string): Html {
  const { codes } = chrome.f.t;
  const lifetimes = LIFETIME_DAYS.map(
    (days) =>
      html`<option value="${days}"${days === 7 ? " selected" : ""}>${codes.days(days)}</option>`,
  );
  return html`<form method="post" action="${link(chrome, `/units/${unit}/enrollment-codes`)}" id="code-form">
<fieldset><legend>${codes.create}</legend>
<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">
<label>${codes.uses}<input type="number" name="uses" min="1" max="100" value="1" required></label>
<label>${codes.expires}<select name="days">${lifetimes}</select></label>
<button type="submit">${codes.create}</button>
</fieldset>
</form>`;
}

/** The code just made, with the commands that install an agent with it. */
function madeCode(chrome: Chrome, code: string, agentUrl: string): Html {
  const { codes } = chrome.f.t;
  const linux = `giamsat-agent install --collector ${agentUrl} --code ${code}`;
  const windows = `& "$env:ProgramFiles\\giamsat\\giamsat-agent.cmd" install --collector ${agentUrl} --code ${code}`;
  return html`<section id="new-code"><h2>${codes.made}</h2>
<p><code id="code">${code}</code></p>
<p>${codes.showOnce}</p>
<p>${codes.install}</p>
<pre>${linux}</pre>
<pre>${windows}</pre>
</section>`;
}

function renderCodes(
  chrome: Chrome,
  unit: string,
  list: readonly EnrollmentCode[],
  csrf: string,
  made?: Html,
): string {
  const { codes } = chrome.f.t;
  const now = Date.now();
  const head = thead([
    th(codes.code),
    th(codes.createdAt),
    th(codes.createdBy),
    th(codes.used),
    th(codes.expires),
    th(codes.state),
    th(""),
  ]);
  const table =
    list.length === 0
      ? html`<p class="muted" id="no-codes">${codes.none}</p>`
      : html`<table id="codes">${head}<tbody>${list.map((c) => codeRow(chrome, unit, c, csrf, now))}</tbody></table>`;
  const body = html`<h1>${codes.heading} · <a href="${link(chrome, `/units/${unit}`)}">${unit}</a></h1>
<p>${codes.intro}</p>
${made ?? ""}
${codeForm(chrome, unit, csrf)}
${table}`;
  return layout(chrome, codes.heading, body);
}

export function enrollmentCodeHandlers(deps: CodePageDeps) {
  const store = new EnrollmentCodes(deps.db);
  const agentUrl = (ctx: RequestContext) =>
    `${deps.secure ? "wss" : "ws"}://${ctx.request.headers.host ?? "collector"}/agent`;
  return {
    enrollmentCodes(ctx: RequestContext<"enrollmentCodes">) {
      const unit = ctx.route.params.id;
      const chrome = chromeOf(ctx.url, deps.header(ctx));
      sendHtml(ctx.response, 200, renderCodes(chrome, unit, store.list(unit), ctx.csrf()));
    },

    enrollmentCodeCreate(ctx: RequestContext<"enrollmentCodeCreate">) {
      const unit = ctx.route.params.id;
      const uses = Number(ctx.form?.get("uses") ?? "");
      const days = Number(ctx.form?.get("days") ?? "");
      if (!Number.isInteger(uses) || uses < 1 || uses > 100) {
        throw new HttpError(400, "uses: must be a whole number from 1 to 100");
      }
      if (!(LIFETIME_DAYS as readonly number[]).includes(days)) {
        throw new HttpError(400, `days: must be one of ${LIFETIME_DAYS.join(", ")}`);
      }
      const user = ctx.user ?? LOCAL_USER;
      const now = Date.now();
      const { code, row } = deps.db.transaction(() => {
        const made = store.create(
          unit,
          { uses, lifetimeMs: days * DAY, createdBy: user.name },
          now,
        );
        recordAudit(
          deps.db,
          {
            actor: user.name,
            action: "code.create",
            unit,
            target: `gse-${made.row.selector}`,
            detail: {
              code: made.row.id,
              uses,
              expiresAt: new Date(made.row.expiresAt).toISOString(),
            },
          },
          now,
        );
        return made;
      })();
      deps.log.info({ unit, code: row.id, uses, by: user.name }, "enrollment code made");
      const chrome = chromeOf(ctx.url, deps.header(ctx));
      const made = madeCode(chrome, code, agentUrl(ctx));
      sendHtml(ctx.response, 200, renderCodes(chrome, unit, store.list(unit), ctx.csrf(), made));
    },

    enrollmentCodeRevoke(ctx: RequestContext<"enrollmentCodeRevoke">) {
      const { id: unit, code } = ctx.route.params;
      const found = /^\d{1,15}$/.test(code) ? store.get(Number(code)) : undefined;
      // A code of another unit is as good as none: the route's unit is the one the user may act on.
      if (!found || found.unit !== unit)
        throw new HttpError(404, `no enrollment code ${code} in ${unit}`);
      const user = ctx.user ?? LOCAL_USER;
      const now = Date.now();
      deps.db.transaction(() => {
        if (!store.revoke(found.id, user.name, now)) return;
        recordAudit(
          deps.db,
          {
            actor: user.name,
            action: "code.revoke",
            unit,
            target: `gse-${found.selector}`,
            detail: { code: found.id },
          },
          now,
        );
      })();
      const chrome = chromeOf(ctx.url, deps.header(ctx));
      redirect(ctx.response, link(chrome, `/units/${unit}/enrollment-codes`));
    },
  };
}
