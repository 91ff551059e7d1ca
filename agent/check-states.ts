// Each check's last result, and the log line when a check changes state: down (with its reason), down
// for another reason, up again. What `giamsat-agent status` shows comes from here; a check down for
// the same reason run after run is logged once, not at every run.
import type { Logger } from "../shared/log.js";
import type { CheckResult } from "../shared/protocol.js";

export interface CheckState {
  /** The last run's result. */
  last: CheckResult;
  /** When the check went into its current state (up or down), ms since the epoch. */
  since: number;
}

export class CheckStates {
  readonly #states = new Map<string, CheckState>();

  constructor(private readonly log: Logger) {}

  /** Records a finished run and logs it when the check's state or down reason changed. */
  record(result: CheckResult): void {
    const previous = this.#states.get(result.check);
    const changed =
      !previous || previous.last.up !== result.up || previous.last.reason !== result.reason;
    const since = changed || !previous ? result.ts : previous.since;
    this.#states.set(result.check, { last: result, since });
    if (!changed) return;
    const fields = { check: result.check, kind: result.kind };
    if (!result.up) {
      const down = { ...fields, reason: result.reason, message: result.message };
      if (previous && !previous.last.up) {
        this.log.info(
          { ...down, previousReason: previous.last.reason },
          "check down for another reason",
        );
      } else {
        this.log.info(down, "check down");
      }
    } else if (previous) {
      this.log.info({ ...fields, downForMs: result.ts - previous.since }, "check up again");
    } else {
      this.log.debug(fields, "check up");
    }
  }

  /** A check's state, once it has run. */
  get(name: string): CheckState | undefined {
    return this.#states.get(name);
  }

  /** Forgets checks that are no longer configured (after a reload). */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of this.#states.keys()) if (!names.has(name)) this.#states.delete(name);
  }
}
