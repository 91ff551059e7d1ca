// One send loop per channel: the channel's oldest due message, one at a time (so an end never
// overtakes its beginning), until the receiver answers. A failure waits a capped exponential
// backoff (or the receiver's Retry-After) before the same message is tried again; a refusal for
// good is failed and the loop goes on. Each outcome is counted, and written to the audit log with
// the message in one transaction, so a message is sent again after a crash only if its answer
// was not recorded, carrying the same dedupe key.

import type { Logger } from "../../shared/log.js";
import { waitAtMost } from "../../shared/wait.js";
import { recordAudit } from "../auth/audit.js";
import type { Db } from "../db/database.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { Channel, SendOutcome } from "./channels/index.js";
import type { MessageStore, QueuedMessage } from "./messages.js";

export interface Backoff {
  minBackoff: number;
  maxBackoff: number;
}

/** How long an idle loop sleeps before it looks again anyway (a missed wake-up). */
const IDLE_MS = 1000;
/** How long stopping waits for a message in flight. */
const STOP_GRACE_MS = 5000;
/** The audit log's actor for what the collector sends by itself. */
export const NOTIFIER_ACTOR = "giamsat";

export class ChannelSender {
  readonly #stop = new AbortController();
  readonly #cancel = new AbortController();
  #running: Promise<void> | undefined;
  #ticking: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #failures = 0;
  #lastError = "";

  constructor(
    readonly name: string,
    private readonly channel: Channel,
    private readonly deps: {
      db: Db;
      store: MessageStore;
      metrics: CollectorMetrics;
      backoff: Backoff;
      log: Logger;
      clock: () => number;
    },
  ) {
    const labels = { channel: name };
    // Every series exists from the start, so rate() and alerts see the first increase.
    for (const counter of [
      deps.metrics.notificationsSent,
      deps.metrics.notificationsFailed,
      deps.metrics.notificationsRetried,
      deps.metrics.notificationsDropped,
    ]) {
      counter.inc(labels, 0);
    }
    deps.metrics.notificationsQueued.set(labels, 0);
  }

  start(): void {
    if (this.#running) return;
    this.#running = this.#run().catch((error: unknown) => {
      this.deps.log.error({ err: error }, "notification sender stopped; messages stay queued");
    });
    if (this.channel.tick) this.#ticking = this.#tick();
  }

  /** Something was queued: look now instead of at the next idle check. */
  wake(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    await waitAtMost(this.#running, STOP_GRACE_MS);
    this.#cancel.abort();
    await this.#running;
    await this.#ticking;
    await this.channel.close();
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const now = this.deps.clock();
      const next = this.deps.store.next(this.name, now);
      if (!next) {
        const due = this.deps.store.nextDue(this.name);
        const idle = due === undefined ? IDLE_MS : Math.min(IDLE_MS, Math.max(0, due - now));
        await this.#sleep(idle, true);
        continue;
      }
      let outcome: SendOutcome;
      try {
        outcome = await this.channel.send(next, this.#cancel.signal);
      } catch (error) {
        this.deps.log.error(
          { err: error, message: next.id },
          "notification channel failed (a bug)",
        );
        outcome = { kind: "retry", error: "internal error" };
      }
      if (signal.aborted && outcome.kind === "retry") return;
      this.#settle(next, outcome);
      // A backoff is not cut short by new messages: they wait behind the one that failed.
      if (outcome.kind === "retry") await this.#sleep(this.#backoff(outcome.retryAfterMs), false);
    }
  }

  #settle(message: QueuedMessage, outcome: SendOutcome): void {
    const { db, store, metrics, log } = this.deps;
    const labels = { channel: this.name };
    const now = this.deps.clock();
    const fields = { message: message.id, dedupeKey: message.message.dedupeKey };
    if (outcome.kind === "retry") {
      store.attempted(message.id, outcome.error);
      metrics.notificationsRetried.inc(labels);
      this.#failures++;
      if (this.#failures === 1 || outcome.error !== this.#lastError) {
        log.warn(
          { ...fields, error: outcome.error },
          "notification not sent; retrying with backoff",
        );
      }
      this.#lastError = outcome.error;
      return;
    }
    const sent = outcome.kind === "sent";
    db.transaction(() => {
      const changed = sent
        ? store.sent(message.id, outcome.answer, now)
        : store.failed(message.id, outcome.error, now);
      if (!changed) return; // dropped meanwhile (the queue was full)
      recordAudit(
        db,
        {
          actor: NOTIFIER_ACTOR,
          action: "notify",
          unit: message.message.unit?.id,
          target: message.address ? `${this.name} ${message.address}` : this.name,
          detail: {
            ...fields,
            kind: message.message.kind,
            outcome: sent ? "sent" : "failed",
            ...(sent ? { answer: outcome.answer } : { error: outcome.error }),
          },
        },
        now,
      );
    })();
    if (sent) {
      metrics.notificationsSent.inc(labels);
      if (this.#failures > 0)
        log.info({ attempts: this.#failures + 1 }, "notifications sent again");
    } else {
      metrics.notificationsFailed.inc(labels);
      log.error(
        { ...fields, error: outcome.error },
        "notification refused by the receiver; not sent again",
      );
    }
    this.#failures = 0;
    this.#lastError = "";
  }

  /** Capped exponential backoff with jitter; the receiver's Retry-After takes precedence. */
  #backoff(retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const { minBackoff, maxBackoff } = this.deps.backoff;
    const exponential = Math.min(maxBackoff, minBackoff * 2 ** Math.min(this.#failures - 1, 30));
    return exponential / 2 + (Math.random() * exponential) / 2;
  }

  async #tick(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.channel.tick?.(this.deps.clock(), this.#cancel.signal);
      } catch (error) {
        this.deps.log.error({ err: error }, "notification channel's own work failed");
      }
      await this.#sleep(IDLE_MS, false);
    }
  }

  /** Waits `ms`, or until stopped (or woken, when `wakeable`). */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#stop.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      if (wakeable) this.#wake = done;
    });
  }
}
