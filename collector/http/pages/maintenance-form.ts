// The unit page's maintenance forms: declare a window for the unit (once, or every day, week or
// month) and end one early. They post to the same actions as the JSON API (api/maintenance.ts), so
// the same rules, access checks and audit apply; a refusal sends the form back with what was
// sent and what to fix in the reader's language, the collector's own words beneath.
import { CATEGORIES, type Category } from "../../../shared/categories.js";
import { HttpError } from "../../../shared/errors.js";
import { CSRF_FIELD } from "../../auth/csrf.js";
import { LOCAL_USER } from "../../auth/roles.js";
import type { Maintenance } from "../../inspection/maintenance.js";
import type { MaintenanceWindowView } from "../../inspection/maintenance-list.js";
import type { MaintenanceActions } from "../api/maintenance.js";
import type { RequestContext } from "../request.js";
import { redirect } from "../respond.js";
import { technical } from "./components.js";
import { type Html, html } from "./html.js";
import { WINDOW_FIELDS, type WindowField } from "./i18n/maintenance-words.js";
import { type Chrome, link } from "./layout.js";

const EVERY = ["once", "daily", "weekly", "monthly"] as const;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** What the form shows: its token, and when sent back, what was sent and what was refused. */
export interface MaintenanceFormState {
  csrf: string;
  values?: URLSearchParams;
  refused?: { field: WindowField | "other"; message: string };
}

/** The fields as the JSON API takes them, for the unit of the page. */
export function windowBody(unit: string, form: URLSearchParams): Record<string, unknown> {
  const given = (key: string) => {
    const value = form.get(key)?.trim();
    return value ? value : undefined;
  };
  const body: Record<string, unknown> = { units: [unit], reason: form.get("reason") ?? "" };
  const categories = form.getAll("categories");
  if (categories.length > 0) body.categories = categories;
  const every = given("every") ?? "once";
  if (every === "once") return { ...body, from: given("from"), to: given("to") };
  const day = given("day");
  const days = form.getAll("days");
  return {
    ...body,
    every,
    at: given("at"),
    duration: given("duration"),
    ...(every === "weekly" && days.length > 0 ? { days } : {}),
    ...(every === "monthly" && day !== undefined ? { day: Number(day) } : {}),
  };
}

/** The field a refusal names first ("to: must be after from"), to say what to fix. */
export function refusedField(message: string): WindowField | "other" {
  const named = /^([a-z]+)/.exec(message)?.[1];
  return (WINDOW_FIELDS as readonly string[]).includes(named ?? "")
    ? (named as WindowField)
    : "other";
}

/** The button that ends a window's current or next occurrence. */
export function endButton(
  chrome: Chrome,
  unit: string,
  window: MaintenanceWindowView,
  csrf: string,
) {
  return html` <form method="post" class="inline" action="${link(chrome, `/units/${unit}/maintenance/${window.id}/end`)}"><input type="hidden" name="${CSRF_FIELD}" value="${csrf}"><button type="submit">${chrome.f.t.maintenanceForm.end}</button></form>`;
}

export function maintenanceForm(chrome: Chrome, unit: string, state: MaintenanceFormState): Html {
  const { f } = chrome;
  const w = f.t.maintenanceForm;
  const values = state.values ?? new URLSearchParams();
  const value = (key: string) => values.get(key) ?? "";
  const every = value("every") || "once";
  const refused = state.refused
    ? html`<div class="problem" role="alert"><strong>${w.refused}</strong> <span id="maintenance-problem">${w.problems[state.refused.field]}</span>${technical(f.t, state.refused.message)}</div>`
    : "";
  const repeats = EVERY.map(
    (e) =>
      html`<option value="${e}"${e === every ? html` selected` : ""}>${e === "once" ? w.once : f.t.maintenance.every[e]}</option>`,
  );
  const ticked = (key: string, v: string) => (values.getAll(key).includes(v) ? html` checked` : "");
  const days = DAYS.map(
    (d) =>
      html`<label class="inline"><input type="checkbox" name="days" value="${d}"${ticked("days", d)}> ${w.dayNames[d]}</label> `,
  );
  const categories = CATEGORIES.map(
    (c) =>
      html`<label class="inline"><input type="checkbox" name="categories" value="${c}"${ticked("categories", c)}> ${f.t.categories[c as Category]}</label> `,
  );
  return html`<form method="post" action="${link(chrome, `/units/${unit}/maintenance`)}" id="maintenance-form" class="noprint">
<fieldset><legend>${w.declare}</legend>
${refused}
<input type="hidden" name="${CSRF_FIELD}" value="${state.csrf}">
<label>${w.reason}<input type="text" name="reason" maxlength="500" required value="${value("reason")}"></label>
<label>${w.every}<select name="every">${repeats}</select></label>
<label>${w.from}<input type="datetime-local" name="from" value="${value("from")}"></label>
<label>${w.to}<input type="datetime-local" name="to" value="${value("to")}"></label>
<label>${w.at}<input type="time" name="at" value="${value("at")}"></label>
<label>${w.duration} <span class="muted">(${w.durationHint})</span><input type="text" name="duration" maxlength="20" value="${value("duration")}"></label>
<div>${w.days}: ${days}</div>
<label>${w.day}<input type="number" name="day" min="1" max="31" value="${value("day")}"></label>
<div>${w.categories} <span class="muted">(${w.categoriesHint})</span>: ${categories}</div>
<button type="submit">${w.submit}</button>
</fieldset>
</form>`;
}

type FormRoute = "maintenanceCreate" | "maintenanceEnd";

export interface MaintenanceFormDeps {
  actions: MaintenanceActions;
  maintenance: Maintenance;
  /** The unit page again, with the form sent back (status 400). */
  unitPageWith(
    request: RequestContext<"maintenanceCreate">,
    state: Omit<MaintenanceFormState, "csrf">,
  ): void;
  chrome(request: RequestContext<FormRoute>): Chrome;
}

export function maintenanceFormHandlers(deps: MaintenanceFormDeps) {
  const back = (request: RequestContext<FormRoute>, unit: string) =>
    redirect(request.response, `${link(deps.chrome(request), `/units/${unit}`)}#maintenance`);
  return {
    maintenanceCreate(request: RequestContext<"maintenanceCreate">) {
      const unit = request.route.params.id;
      const form = request.form ?? new URLSearchParams();
      try {
        deps.actions.create(request.user ?? LOCAL_USER, windowBody(unit, form));
      } catch (error) {
        // Bad input: the form again, as sent. Refused access and the rest: the error page.
        if (!(error instanceof HttpError) || error.status !== 400) throw error;
        const values = new URLSearchParams(form);
        values.delete(CSRF_FIELD);
        deps.unitPageWith(request, {
          values,
          refused: { field: refusedField(error.message), message: error.message },
        });
        return;
      }
      back(request, unit);
    },

    maintenanceEnd(request: RequestContext<"maintenanceEnd">) {
      const { id: unit, window } = request.route.params;
      const found = /^\d{1,12}$/.test(window) ? deps.maintenance.get(Number(window)) : undefined;
      // A window of another unit is as good as none here: the route's unit is the one checked.
      if (!found?.scope.units.includes(unit)) {
        throw new HttpError(404, `no maintenance window ${window} of unit ${unit}`);
      }
      deps.actions.end(request.user ?? LOCAL_USER, window);
      back(request, unit);
    },
  };
}
