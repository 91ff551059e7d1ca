// The availability figures people read, from the times up, observed and down because a check it
// depends on was down: ratios (null when nothing was observed, never a made-up 0 or 1) beside the
// times in ms. Time a check was unreachable because of its parent is left out of its availability,
// as planned maintenance is: it is the parent's fault, and the parent's own figures count it.
import { type CheckTimes, ratio, type ScopeTimes } from "./availability.js";

export interface Figures {
  /** Up ÷ observed; null when nothing was observed. */
  availability: number | null;
  /** Observed (for a scope: covered by at least one check) ÷ the window. */
  coverage: number | null;
  upMs: number;
  /** Observed and not up: down by the check's own fault. */
  downMs: number;
  /**
   * Down while a check it depends on was down ("unreachable because of the parent"): neither up
   * nor down, left out of observed and availability.
   */
  unreachableMs: number;
  /** Time results held outside planned maintenance and unreachable time: availability's divisor. */
  observedMs: number;
  /** @deprecated The same as `unreachableMs`; kept for API clients of the link attribution. */
  linkMs: number;
  /** @deprecated The same as `availability`, which now leaves out unreachable time itself. */
  availabilityExcludingLink: number | null;
}

export function figures(
  times: Partial<ScopeTimes> | CheckTimes | undefined,
  windowMs: number,
): Figures {
  const up = Math.round(times?.up ?? 0);
  const seen = Math.round(times?.observed ?? 0);
  // The rollups keep this time as `link`, a part of observed.
  const unreachable = Math.min(Math.round(times?.link ?? 0), seen - up);
  const observed = seen - unreachable;
  const covered = "covered" in (times ?? {}) ? Math.round((times as ScopeTimes).covered) : seen;
  const availability = ratio(up, observed);
  return {
    availability,
    coverage: ratio(covered, windowMs),
    upMs: up,
    downMs: observed - up,
    unreachableMs: unreachable,
    observedMs: observed,
    linkMs: unreachable,
    availabilityExcludingLink: availability,
  };
}
