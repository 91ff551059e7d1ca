// The one place where an event may be kept from being announced, and why: each suppressor looks at
// a new problem (opened) and may name a reason (e.g. planned maintenance, a parent that is down).
// Creation is suppressed, never resolution: an end is announced exactly when its beginning was,
// which the grouper decides from what was sent (grouper.ts), not here.
import type { NewEvent } from "./model.js";

export interface Suppressor {
  /** Names the suppressor in logs and on the unit page. */
  readonly name: string;
  /**
   * The reason not to announce this new problem, or undefined. Runs inside the transaction that
   * opens the problem (while a batch is stored): read nothing slow.
   */
  suppress(event: NewEvent): string | undefined;
}

export type Decision = { status: "pending" } | { status: "suppressed"; reason: string };

const PENDING: Decision = { status: "pending" };

export class Policy {
  constructor(private readonly suppressors: readonly Suppressor[] = []) {}

  /** Whether a new event is queued for announcing, or kept back with a reason. */
  decide(event: NewEvent): Decision {
    // An end or a reminder follows what was announced; only a beginning can be held back.
    if (event.event !== "opened") return PENDING;
    for (const suppressor of this.suppressors) {
      const reason = suppressor.suppress(event);
      if (reason !== undefined)
        return { status: "suppressed", reason: `${suppressor.name}: ${reason}` };
    }
    return PENDING;
  }
}

/** A problem that began inside a planned maintenance window is expected: it is not announced. */
export const plannedMaintenance: Suppressor = {
  name: "maintenance",
  suppress: (event) => (event.detail.planned ? "began in planned maintenance" : undefined),
};
