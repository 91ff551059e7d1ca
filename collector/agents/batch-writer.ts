// Group commit: batches from all agents wait in one queue and are written together, many per
// SQLite transaction, in slices short enough that the event loop never stalls for long.
// A batch waits as the bytes it came in and is parsed only when its turn comes: thousands of
// parsed batches kept for seconds cost the garbage collector more than parsing them does.
import { ProtocolError } from "../../shared/errors.js";
import type { Batch } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import type { BatchStore, WriteOutcome } from "./batch-store.js";
import type { AgentIdentity } from "./registry.js";

export interface WriteJob {
  agent: AgentIdentity;
  /**
   * The batch to write, read just before it is written; undefined when there is nothing to write
   * (the message was not a batch, or its connection was refused meanwhile). What it throws is
   * the job's outcome.
   */
  batch(): Batch | undefined;
  receivedAt: number;
  /** Called after the transaction holding the batch committed (or when reading or writing it failed). */
  done(outcome: Outcome): void;
}

/** Undefined: nothing was written, nothing is to be answered. */
export type Outcome = WriteOutcome | Error | undefined;

export class BatchWriter {
  readonly #queue: WriteJob[] = [];
  readonly #group;
  #scheduled = false;
  #idle: (() => void)[] = [];

  constructor(
    db: Db,
    private readonly store: BatchStore,
    /**
     * Told after each group of batches that tried to store something: how many could not be
     * stored (a full disk, an I/O error; not what an agent got wrong) and the first such error.
     */
    private readonly onWritten: (failed: number, error: unknown) => void = () => {},
    /** Longest slice of writing before the event loop gets a turn, in ms. */
    private readonly sliceMs = 15,
  ) {
    this.#group = db.transaction((jobs: WriteJob[]) => {
      const started = performance.now();
      const outcomes: Outcome[] = [];
      for (const job of jobs) {
        try {
          const batch = job.batch();
          // Each batch is its own savepoint: one that fails does not undo the others.
          outcomes.push(batch && this.store.write(job.agent, batch, job.receivedAt));
        } catch (error) {
          outcomes.push(error instanceof Error ? error : new Error(String(error)));
        }
        if (performance.now() - started > this.sliceMs) break;
      }
      return outcomes;
    });
  }

  get pending(): number {
    return this.#queue.length;
  }

  enqueue(job: WriteJob): void {
    this.#queue.push(job);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.#group(this.#queue);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this group is stored, and
      // series created in it do not exist either.
      this.store.forgetSeries();
      const failure = error instanceof Error ? error : new Error(String(error));
      outcomes = this.#queue.map(() => failure);
    }
    const finished = this.#queue.splice(0, outcomes.length);
    const failures = outcomes.filter(
      (outcome): outcome is Error =>
        outcome instanceof Error && !(outcome instanceof ProtocolError),
    );
    if (
      failures.length > 0 ||
      outcomes.some((o) => o !== undefined && !(o instanceof Error) && o.stored)
    ) {
      this.onWritten(failures.length, failures[0]);
    }
    // Acks go out only now, after the commit.
    for (const [i, job] of finished.entries()) job.done(outcomes[i]);
    if (this.#queue.length > 0) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    } else {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Resolves once every queued batch is written and answered. */
  drained(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
