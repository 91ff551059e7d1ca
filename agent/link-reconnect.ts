// When the link tries the collector again: backoff with full jitter, slowly once the token was refused.

/** After the collector refused the token, the next attempt waits this long... */
export const TOKEN_RETRY_MS = 5 * 60_000;
/** ...and after it revoked the agent, this long. */
export const REVOKED_RETRY_MS = 10 * 60_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), so agents cut off
 * together do not all come back at the same moment. Always within [min, min(max, min·2^attempt)].
 */
export function backoffDelay(
  attempt: number,
  min: number,
  max: number,
  random = Math.random,
): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return min + Math.floor(random() * (ceiling - min + 1));
}

/** The next attempt: how long to wait, how many attempts so far, and why slowly if it is slow. */
export interface Reconnect {
  delayMs: number;
  attempt: number;
  slow?: "token" | "revoked";
}

export class ReconnectPolicy {
  #attempt = 0;
  /** Set when the collector refused the token or revoked the agent: the next attempt waits long. */
  #refused: "token" | "revoked" | undefined;

  constructor(
    private readonly minBackoffMs: number,
    private readonly maxBackoffMs: number,
  ) {}

  /** True once the collector revoked this agent: its results would never be accepted. */
  get revoked(): boolean {
    return this.#refused === "revoked";
  }

  /**
   * The collector refused the token at the upgrade. A token refused once is refused again: no use
   * asking every few seconds, and an address that keeps presenting bad tokens makes the collector
   * refuse every agent behind it (429).
   */
  tokenRefused(): void {
    if (this.#refused !== "revoked") this.#refused = "token";
  }

  /** The collector revoked this agent. */
  agentRevoked(): void {
    this.#refused = "revoked";
  }

  /** Connected, or given another address or token: the next attempt starts over, quickly. */
  reset(): void {
    this.#attempt = 0;
    this.#refused = undefined;
  }

  /** The attempt after this disconnection. */
  next(): Reconnect {
    const slow = { token: TOKEN_RETRY_MS, revoked: REVOKED_RETRY_MS };
    const delayMs = this.#refused
      ? slow[this.#refused]
      : backoffDelay(this.#attempt, this.minBackoffMs, this.maxBackoffMs);
    this.#attempt++;
    return { delayMs, attempt: this.#attempt, ...(this.#refused ? { slow: this.#refused } : {}) };
  }
}
