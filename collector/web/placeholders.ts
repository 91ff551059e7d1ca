// PLACEHOLDERS for the unit page, report and sign-off, which arrive with their own work:
// the route table and the guard already decide who may use them; these only say so. Replace each
// handler here (keeping its route in auth/routes.ts) when the real page or API is built.
import type { RequestContext } from "../auth/guard.js";
import { html, page } from "./html.js";
import { sendHtml } from "./respond.js";

function unitOf(ctx: RequestContext): string {
  return ctx.route.params.id ?? ctx.route.params.unit ?? "";
}

function placeholderPage(ctx: RequestContext, what: string): void {
  sendHtml(
    ctx.response,
    200,
    page(
      what,
      html`<h1>${what}: ${unitOf(ctx)}</h1><p class="muted">placeholder: not built yet</p>`,
    ),
  );
}

export const PLACEHOLDERS = {
  unitPage: (ctx: RequestContext) => placeholderPage(ctx, "Unit"),
  report: (ctx: RequestContext) => placeholderPage(ctx, "Report"),
  signoff: (ctx: RequestContext) => placeholderPage(ctx, "Sign-off"),
};
