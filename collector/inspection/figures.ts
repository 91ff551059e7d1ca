// The availability figures people read, from the times up, observed and down because of the link:
// ratios (null when nothing was observed, never a made-up 0 or 1) beside the times in ms.
import { type CheckTimes, ratio, type ScopeTimes } from "./availability.js";

export interface Figures {
  /** Up ÷ observed; null when nothing was observed. */
  availability: number | null;
  /** (Up + down because of the link) ÷ observed. */
  availabilityExcludingLink: number | null;
  /** Observed (for a scope: covered by at least one check) ÷ the window. */
  coverage: number | null;
  upMs: number;
  downMs: number;
  linkMs: number;
  observedMs: number;
}

export function figures(
  times: Partial<ScopeTimes> | CheckTimes | undefined,
  windowMs: number,
): Figures {
  const up = Math.round(times?.up ?? 0);
  const observed = Math.round(times?.observed ?? 0);
  const link = Math.round(times?.link ?? 0);
  const covered = "covered" in (times ?? {}) ? Math.round((times as ScopeTimes).covered) : observed;
  return {
    availability: ratio(up, observed),
    availabilityExcludingLink: ratio(up + link, observed),
    coverage: ratio(covered, windowMs),
    upMs: up,
    downMs: observed - up,
    linkMs: link,
    observedMs: observed,
  };
}
