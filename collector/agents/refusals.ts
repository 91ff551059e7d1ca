// Samples refused from a batch the collector stored otherwise (not in the metric table, an
// undeclared label, a timestamp ahead of the clock, a series cap): counted by reason, told to the
// agent in a `refused` message before the ack, counted per agent on /metrics, and logged at most
// once a minute per agent so that an agent refused on every batch does not flood the log.
import type { Counter } from "prom-client";
import type { Logger } from "../../shared/log.js";
import { REFUSAL_REASONS, type RefusalReason } from "../../shared/protocol.js";

/** What was refused from one batch. */
export class Refusals {
  readonly samples: Partial<Record<RefusalReason, number>> = {};
  /** The first refused sample or result and why. */
  first: string | undefined;
  #total = 0;

  /** `count` samples refused for `reason`; a check result is two. */
  add(reason: RefusalReason, count: number, why: string): void {
    this.samples[reason] = (this.samples[reason] ?? 0) + count;
    this.#total += count;
    this.first ??= why;
  }

  get total(): number {
    return this.#total;
  }
}

const LOG_INTERVAL_MS = 60_000;

/** One agent's refusals on /metrics and in the log. */
export class RefusalReport {
  /** Refused since the last log line, and when that was. */
  #pending: Partial<Record<RefusalReason, number>> = {};
  #loggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly counter: Counter<"unit" | "agent" | "reason">,
    private readonly labels: { unit: string; agent: string },
    private readonly log: Logger,
  ) {}

  /** Puts every reason on /metrics (at 0 until refused), so increase() sees the first refusal. */
  expose(): void {
    for (const reason of REFUSAL_REASONS) this.counter.inc({ ...this.labels, reason }, 0);
  }

  report(refused: Refusals, now: number): void {
    for (const [reason, count] of Object.entries(refused.samples) as [RefusalReason, number][]) {
      this.counter.inc({ ...this.labels, reason }, count);
      this.#pending[reason] = (this.#pending[reason] ?? 0) + count;
    }
    if (now - this.#loggedAt < LOG_INTERVAL_MS) return;
    this.log.warn({ refused: this.#pending, reason: refused.first }, "agent samples refused");
    this.#pending = {};
    this.#loggedAt = now;
  }
}
