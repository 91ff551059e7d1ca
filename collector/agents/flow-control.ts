// How fast one agent is read. Not at all while too many of its batches wait to be written (until
// they drop to half), and more slowly while it sends faster than `limits.agentMessagesPerSecond`:
// its batches then wait in TCP buffers, nothing is lost. An agent that waits for acks (at most 4
// batches in flight) never gets near either limit; one that keeps sending regardless is refused.
import { TokenBucket } from "../auth/rate-limit.js";

/** An agent with this many batches waiting to be written is not read from until it drops to half. */
export const MAX_QUEUED_PER_AGENT = 8;
/** Messages an agent may send past its rate while it is being read more slowly. */
const MAX_RATE_DEBT = 32;

/** Why an agent is not being read: its batches wait for storage, or it sends too fast. */
export type Hold = "storage" | "rate";

/** What flow control needs of a socket. */
export interface Readable {
  readonly isPaused: boolean;
  pause(): void;
  resume(): void;
}

export class FlowControl {
  /** Batches received and not yet written. */
  #queued = 0;
  readonly #holds = new Set<Hold>();
  readonly #rate: TokenBucket;

  constructor(
    private readonly socket: Readable,
    readonly perSecond: number,
    now: number,
    /** The collector is stopping: a held socket is not read again. */
    private readonly stopping: () => boolean,
  ) {
    this.#rate = new TokenBucket(perSecond, perSecond, now);
  }

  /**
   * Takes one message from the agent's budget; past it the agent is read more slowly.
   * "too_fast": so far past its budget that it is to be refused.
   */
  take(now: number): "ok" | "too_fast" {
    const left = this.#rate.take(now);
    if (left >= 0) return "ok";
    if (left < -MAX_RATE_DEBT) return "too_fast";
    if (!this.#holds.has("rate")) {
      this.#hold("rate");
      setTimeout(() => this.#release("rate"), this.#rate.waitMs(now)).unref();
    }
    return "ok";
  }

  /** A batch was queued for the writer: back-pressure once too many wait. */
  queued(): void {
    this.#queued++;
    if (this.#queued >= MAX_QUEUED_PER_AGENT && !this.#holds.has("storage")) {
      // Stop reading this agent until storage has caught up with it.
      this.#hold("storage");
    }
  }

  /** A queued batch was written (or dropped). */
  written(): void {
    this.#queued--;
    if (this.#holds.has("storage") && this.#queued <= MAX_QUEUED_PER_AGENT / 2) {
      this.#release("storage");
    }
  }

  #hold(reason: Hold): void {
    this.#holds.add(reason);
    this.#read();
  }

  #release(reason: Hold): void {
    this.#holds.delete(reason);
    this.#read();
  }

  /** Reads from the agent unless storage or its rate says to wait. */
  #read(): void {
    const hold = this.#holds.size > 0;
    if (hold && !this.socket.isPaused) this.socket.pause();
    else if (!hold && this.socket.isPaused && !this.stopping()) this.socket.resume();
  }
}
