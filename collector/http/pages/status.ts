// How the store's states become the four statuses leaders read: ok, degraded, down, no data.
import type { Status } from "./i18n/index.js";

/** A category of a unit as the store reports it now (see collector/inspection/check-status.ts). */
export interface CategoryNowView {
  state: "up" | "down" | "no_data" | "no_checks";
  checks: number;
  down: number;
  cause: "link" | null;
}

/**
 * Every check down: down. Some down, some up: degraded. All up: ok. Nothing reported (or no
 * check configured): no data, which is not the same as down.
 */
export function categoryStatus(category: CategoryNowView): Status {
  if (category.state === "down") return category.down >= category.checks ? "down" : "degraded";
  if (category.state === "up") return "ok";
  return "no_data";
}

/** A single check's state now. */
export function checkStatus(state: "up" | "down" | "no_data"): Status {
  return state === "up" ? "ok" : state === "down" ? "down" : "no_data";
}

/** Worst first: down, degraded, no data, ok. */
export const SEVERITY: Record<Status, number> = { down: 3, degraded: 2, no_data: 1, ok: 0 };
