// A unit's condition (inspection/condition.ts) said in the reader's language: the one line the
// overview shows beside each unit and the unit page puts first.
import type { Category } from "../../../shared/categories.js";
import type { UnitCondition } from "../../inspection/condition.js";
import { checkName } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";
import { reasonText } from "./incidents.js";

export function sayCondition(f: Formatter, condition: UnitCondition): string {
  const { t } = f;
  const words = t.conditions;
  const category = (c: string | null) => t.categories[c as Category] ?? c ?? "";
  switch (condition.level) {
    case "not_set_up":
      return words.not_set_up(condition.enrolled);
    case "silent":
      return words.silent(f.dateTime(condition.silentSince));
    case "down":
    case "degraded": {
      const failing = condition.failing;
      const check = failing ? checkName(failing) : "";
      const reason = failing ? reasonText(f, failing.reason) : "";
      return condition.level === "down"
        ? words.down(category(condition.category), check, reason, condition.moreDown)
        : words.degraded(
            category(condition.category),
            condition.down,
            condition.checks,
            check,
            reason,
          );
    }
    case "partial":
      return words.partial(condition.missing.map(category).join(", "));
    default:
      return words.ok;
  }
}

/** The condition in its colour, with the open incidents after it. */
export function conditionLine(f: Formatter, condition: UnitCondition, openIncidents: number): Html {
  const open =
    openIncidents > 0 && condition.level !== "not_set_up"
      ? html`<div class="small">${f.t.conditions.openIncidents(openIncidents)}</div>`
      : "";
  return html`<span class="lv-${condition.level}">${sayCondition(f, condition)}</span>${open}`;
}
