// How the inspection's states (check-status.ts) become the statuses leaders read: ok, degraded,
// down, no data, and no checks at all.
import type { CategoryNow, CheckState } from "../../inspection/check-status.js";
import type { Status } from "./i18n/index.js";

/**
 * Every check down: down. Some down, some up: degraded. All up: ok. Nothing reported: no data,
 * which is not the same as down; and a category without a check says so.
 */
export function categoryStatus(category: CategoryNow): Status {
  if (category.state === "down") return category.down >= category.checks ? "down" : "degraded";
  if (category.state === "up") return "ok";
  if (category.state === "no_checks") return "no_checks";
  return "no_data";
}

/** A single check's state now. */
export function checkStatus(state: CheckState): Status {
  return state === "up" ? "ok" : state === "down" ? "down" : "no_data";
}
