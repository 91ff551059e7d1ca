// Runs background jobs (rollups, compaction, retention, and those the application adds: incidents,
// availability gauges) in short steps on the event loop: each step is one small transaction, and
// after a few milliseconds of steps pending I/O (agents' batches, scrapes) runs before the next.
import type { Logger } from "../../shared/log.js";

export interface Job {
  readonly name: string;
  /** Does a little work in one short transaction; false when there was nothing to do. */
  step(now: number): boolean;
}

export interface JobRunnerOptions {
  clock?: () => number;
  /** Longest run of steps before the event loop gets a turn, in ms. */
  sliceMs?: number;
  /** Pause when no job had anything to do, in ms. */
  idleMs?: number;
  /** Told the time each step took (for the collector's metrics). */
  onStep?: (job: string, seconds: number) => void;
  log?: Logger;
}

export class JobRunner {
  readonly #clock: () => number;
  readonly #sliceMs: number;
  readonly #idleMs: number;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #stopped = true;
  #next = 0;
  /** Jobs that failed, left alone until the next idle pause so a broken one cannot spin. */
  readonly #failed = new Set<string>();

  constructor(
    private readonly jobs: Job[],
    private readonly options: JobRunnerOptions = {},
  ) {
    this.#clock = options.clock ?? Date.now;
    this.#sliceMs = options.sliceMs ?? 10;
    this.#idleMs = options.idleMs ?? 5000;
  }

  add(job: Job): void {
    this.jobs.push(job);
  }

  start(delayMs = 0): void {
    this.#stopped = false;
    this.#timer = setTimeout(() => this.#tick(), delayMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
    }
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#stopped) return;
    const until = performance.now() + this.#sliceMs;
    let busy = false;
    do {
      busy = this.#round(this.#clock());
    } while (busy && performance.now() < until);
    if (this.#stopped) return;
    if (busy) {
      this.#timer = setImmediate(() => this.#tick());
    } else {
      this.#failed.clear();
      this.#timer = setTimeout(() => this.#tick(), this.#idleMs);
      this.#timer.unref();
    }
  }

  /** One step of each job, starting where the last round left off; true if any had work. */
  #round(now: number): boolean {
    let busy = false;
    for (let k = 0; k < this.jobs.length; k++) {
      const job = this.jobs[(this.#next + k) % this.jobs.length] as Job;
      if (this.#failed.has(job.name)) continue;
      const started = performance.now();
      try {
        if (job.step(now)) busy = true;
      } catch (error) {
        this.#failed.add(job.name);
        this.options.log?.error({ err: error, job: job.name }, "background job failed");
      }
      this.options.onStep?.(job.name, (performance.now() - started) / 1000);
    }
    this.#next = (this.#next + 1) % Math.max(1, this.jobs.length);
    return busy;
  }

  /** Runs steps until no job has work left (tests, benchmarks, and `serve` start-up catching up). */
  runUntilIdle(now = this.#clock()): void {
    let busy = true;
    while (busy) {
      busy = false;
      // Errors are thrown here, not logged: the caller is a test or a command that should stop.
      for (const job of this.jobs) if (job.step(now)) busy = true;
    }
  }
}
