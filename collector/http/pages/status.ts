// How the inspection's states (check-status.ts) become the four statuses leaders read: ok, degraded,
// down, no data.
import type { CategoryNow, CheckState } from "../../inspection/check-status.js";
import type { Status } from "./i18n/index.js";

/**
 * Every check down: down. Some down, some up: degraded. All up: ok. Nothing reported (or no
 * check configured): no data, which is not the same as down.
 */
export function categoryStatus(category: CategoryNow): Status {
  if (category.state === "down") return category.down >= category.checks ? "down" : "degraded";
  if (category.state === "up") return "ok";
  return "no_data";
}

/** A single check's state now. */
export function checkStatus(state: CheckState): Status {
  return state === "up" ? "ok" : state === "down" ? "down" : "no_data";
}

/** Worst first: down, degraded, no data, ok. */
export const SEVERITY: Record<Status, number> = { down: 3, degraded: 2, no_data: 1, ok: 0 };
