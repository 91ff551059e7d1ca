// Runs every check on its interval (with start jitter), under a timeout that aborts the probe's work,
// with a cap on checks running at once. A probe that throws is a bug: caught, logged, counted, reported.
import { getEventListeners } from "node:events";
import type { CheckBase } from "../shared/config/agent.js";
import { errorMessage } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import type { CheckResult, Inventory, Sample } from "../shared/protocol.js";
import { DueQueue } from "./due-queue.js";
import { KeptPool } from "./keeper.js";
import type { Probe, ProbeOutcome } from "./probes/probe.js";

export interface RunOutput {
  check: CheckBase;
  result: CheckResult;
  samples: Sample[];
  inventory: Inventory[];
  outcome: ProbeOutcome;
}

export interface SchedulerOptions {
  checks: readonly CheckBase[];
  probes: ReadonlyMap<string, Probe>;
  concurrency: number;
  log: Logger;
  /** Receives every finished run. */
  sink: (output: RunOutput) => void;
  /** Longest start delay; each check starts at a random point within it. Default 10 s. */
  maxJitterMs?: number;
  random?: () => number;
  /** Where internal errors per check are counted; kept by the agent across reloads. */
  errors?: Map<string, number>;
}

class TimeoutError extends Error {}

/**
 * Checks start on a one-second grid, so the checks due in one second start on one wake-up of the
 * agent: waking for each check alone costs more CPU than a TCP or HTTP check's own work. Each agent
 * has its own offset into the second, so a thousand agents do not all send at the same instant.
 */
const TICK_MS = 1000;

/**
 * A sample's labels plus the check's. Copied key by key: object spread of two objects goes through
 * V8's slow generic copy on every sample, a visible share of a run's CPU.
 */
function withCheckLabels(
  own: Record<string, string> | undefined,
  check: CheckBase,
): Record<string, string> {
  const labels: Record<string, string> = {};
  if (own) for (const key of Object.keys(own)) labels[key] = own[key] as string;
  labels.check = check.name;
  labels.category = check.category;
  labels.kind = check.kind;
  return labels;
}

/** A check's place in the schedule: one per check for the agent's life. */
interface Planned {
  check: CheckBase;
  /** When its next run is planned, ms since the epoch. */
  at: number;
}

export class Scheduler {
  readonly #queue = new DueQueue<Planned>((planned) => this.#due(planned));
  readonly #running = new Map<string, Promise<void>>();
  readonly #waiting: (() => void)[] = [];
  readonly #errors: Map<string, number>;
  readonly #lastError = new Map<string, string>();
  readonly #lastInventory = new Map<string, number>();
  /** Unused controllers of finished runs, by check, for their next run. */
  readonly #controllers = new Map<string, AbortController>();
  /** Aborts each run under way (its timeout's work, done early); stop() calls them all. */
  readonly #aborts = new Set<(reason: unknown) => void>();
  /** What probes keep open between runs; closed by stop(). */
  readonly #kept: KeptPool;
  #stopped = false;
  #active = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.#kept = new KeptPool(options.concurrency);
    this.#errors = options.errors ?? new Map();
  }

  readonly #logs = new Map<string, Logger>();

  #logFor(check: string): Logger {
    let log = this.#logs.get(check);
    if (!log) {
      log = this.options.log.child({ check });
      this.#logs.set(check, log);
    }
    return log;
  }

  /** Internal errors per check since start, for giamsat_agent_check_errors_total. */
  get errors(): ReadonlyMap<string, number> {
    return this.#errors;
  }

  start(): void {
    const random = this.options.random ?? Math.random;
    const maxJitter = this.options.maxJitterMs ?? 10_000;
    const phase = Math.floor(random() * TICK_MS);
    const tick = Math.ceil((Date.now() - phase) / TICK_MS) * TICK_MS + phase;
    for (const check of this.options.checks) {
      // The start jitter spreads checks over whole seconds.
      const ticks = Math.floor((random() * Math.min(check.interval, maxJitter)) / TICK_MS);
      this.#queue.push({ check, at: tick + ticks * TICK_MS });
    }
  }

  #due(planned: Planned): void {
    if (this.#stopped) return;
    const { check } = planned;
    // Fixed rate: the next run is planned from this one's planned time, so runs neither drift nor
    // leave the second they share with other checks. Runs missed (the machine slept) are skipped.
    const now = Date.now();
    planned.at += check.interval * (Math.floor((now - planned.at) / check.interval) + 1);
    this.#queue.push(planned);
    if (this.#running.has(check.name)) {
      this.options.log.warn({ check: check.name }, "previous run still going; this run is skipped");
      return;
    }
    const run = this.#runLimited(check).finally(() => this.#running.delete(check.name));
    this.#running.set(check.name, run);
  }

  async #runLimited(check: CheckBase): Promise<void> {
    if (this.#active >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#stopped) return;
    this.#active++;
    try {
      const output = await this.runOnce(check);
      // A run cut short by stop() says nothing about the target.
      if (!this.#stopped) this.options.sink(output);
    } catch (error) {
      this.options.log.error({ err: error, check: check.name }, "storing a result failed");
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  /** Runs one check now and returns its result; never throws. */
  async runOnce(check: CheckBase): Promise<RunOutput> {
    const probe = this.options.probes.get(check.kind);
    const started = Date.now();
    const t0 = performance.now();
    const controller = this.#controllers.get(check.name) ?? new AbortController();
    this.#controllers.delete(check.name);
    // One function ends the run early, for the timeout and for stop(): it aborts the probe's work
    // (its signal) and settles the race below, so a probe that ignores its signal cannot hold the
    // run. No listeners on signals, no second timer.
    let fail: (reason: unknown) => void = () => {};
    const abort = (reason: unknown) => {
      fail(reason); // first: the run's outcome is the timeout, whatever the probe does on abort
      controller.abort(reason);
    };
    this.#aborts.add(abort);
    const timer = setTimeout(() => abort(new TimeoutError()), check.timeout);
    const lastInventory = this.#lastInventory.get(check.name) ?? 0;
    const inventoryInterval = probe?.inventoryInterval?.(check);
    const inventoryDue =
      inventoryInterval !== undefined && started - lastInventory >= inventoryInterval;
    let outcome: ProbeOutcome;
    try {
      if (!probe) throw new Error(`no probe for kind "${check.kind}"`);
      const aborted = new Promise<never>((_, reject) => {
        fail = reject;
      });
      const log = this.#logFor(check.name);
      outcome = await Promise.race([
        probe.run(check, { signal: controller.signal, log, inventoryDue, keep: this.#kept }),
        aborted,
      ]);
    } catch (error) {
      outcome = this.#failure(check, error);
    } finally {
      clearTimeout(timer);
      this.#aborts.delete(abort);
      // A run that ended unaborted and left no listener on its signal hands the controller to the
      // check's next run: an AbortController (an EventTarget) per run is a visible share of the CPU.
      if (
        !controller.signal.aborted &&
        getEventListeners(controller.signal, "abort").length === 0
      ) {
        this.#controllers.set(check.name, controller);
      }
    }
    const duration = (performance.now() - t0) / 1000;
    const result: CheckResult = {
      check: check.name,
      category: check.category,
      kind: check.kind,
      ts: started,
      up: outcome.up,
      duration,
    };
    if (!outcome.up) result.reason = outcome.reason ?? "error";
    if (check.dependsOn) result.dependsOn = check.dependsOn;
    if (outcome.message) result.message = outcome.message.slice(0, 512);
    const samples = (outcome.samples ?? []).map((s) => ({
      metric: s.metric,
      labels: withCheckLabels(s.labels, check),
      ts: started,
      value: s.value,
    }));
    const inventory: Inventory[] = [];
    if (outcome.inventory) {
      this.#lastInventory.set(check.name, started);
      inventory.push({ check: check.name, kind: check.kind, ts: started, data: outcome.inventory });
    }
    return { check, result, samples, inventory, outcome };
  }

  #failure(check: CheckBase, error: unknown): ProbeOutcome {
    if (error instanceof TimeoutError) {
      return { up: false, reason: "timeout", message: `no answer within ${check.timeout} ms` };
    }
    const message = errorMessage(error);
    if (this.#stopped) return { up: false, reason: "error", message };
    this.#errors.set(check.name, (this.#errors.get(check.name) ?? 0) + 1);
    // Logged once per distinct error, so a broken check does not flood the log every interval.
    if (this.#lastError.get(check.name) !== message) {
      this.#lastError.set(check.name, message);
      this.options.log.error(
        { check: check.name, err: error },
        "check failed with an internal error",
      );
    }
    return { up: false, reason: "error", message };
  }

  /** Stops scheduling, aborts running checks, waits for them to finish and closes what they kept. */
  async stop(): Promise<void> {
    this.#queue.clear();
    this.#stopped = true;
    const stopping = new Error("agent stopping");
    for (const abort of this.#aborts) abort(stopping);
    for (const release of this.#waiting.splice(0)) release();
    await Promise.allSettled([...this.#running.values()]);
    await this.#kept.close();
  }
}
