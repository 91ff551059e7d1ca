// A token bucket (https://en.wikipedia.org/wiki/Token_bucket), used by both programs: the collector
// limits messages and failed logins with it, the agent the pace at which its backlog drains.

/** `capacity` tokens at most, refilled at `perSecond`; taking more than is left goes into debt. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.#tokens = capacity;
    this.#at = now;
  }

  /** Tokens available now (negative while in debt). */
  level(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(
        this.capacity,
        this.#tokens + ((now - this.#at) / 1000) * this.perSecond,
      );
      this.#at = now;
    }
    return this.#tokens;
  }

  /** Takes `count` tokens, also when fewer are left (the debt is paid back by waiting). */
  take(now: number, count = 1): number {
    const left = this.level(now) - count;
    this.#tokens = left;
    return left;
  }

  /** Gives back `count` tokens taken for something that turned out not to count. */
  give(now: number, count = 1): void {
    this.#tokens = Math.min(this.capacity, this.level(now) + count);
  }

  /** Milliseconds until at least `count` tokens are available. */
  waitMs(now: number, count = 1): number {
    const level = this.level(now);
    return level >= count ? 0 : Math.ceil(((count - level) / this.perSecond) * 1000);
  }
}
