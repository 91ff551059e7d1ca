// Token buckets: per remote address for refused agent tokens and failed logins, per agent for messages.
import { TokenBucket } from "../../shared/token-bucket.js";

export { TokenBucket };

/**
 * Buckets by key (a remote address). Only failures take tokens, so a well-behaved client behind
 * the same address is held back only while another one there keeps failing. The map is bounded:
 * an attacker with many addresses cannot make it grow without end.
 */
export class AddressLimiter {
  readonly #buckets = new Map<string, TokenBucket & { reportedAt?: number }>();
  readonly #perSecond: number;

  constructor(
    readonly perMinute: number,
    private readonly maxKeys = 10_000,
  ) {
    this.#perSecond = perMinute / 60;
  }

  /** Milliseconds this address must wait before trying again; 0 when it may try now. */
  retryAfterMs(key: string, now: number): number {
    return this.#buckets.get(key)?.waitMs(now) ?? 0;
  }

  /** Records one failure from the address. */
  fail(key: string, now: number): void {
    this.take(key, now);
  }

  /** Gives back what `take` took, for an attempt that turned out to be no failure. */
  refund(key: string, now: number): void {
    this.#buckets.get(key)?.give(now);
  }

  /** Takes one token from the address's bucket, e.g. when a login attempt starts. */
  take(key: string, now: number): void {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      // Re-inserted so the map stays in least-recently-failed order for pruning.
      this.#buckets.delete(key);
    } else {
      bucket = new TokenBucket(this.perMinute, this.#perSecond, now);
      if (this.#buckets.size >= this.maxKeys) this.#prune(now);
    }
    this.#buckets.set(key, bucket);
    bucket.take(now);
  }

  /**
   * Call when refusing the address because it is over its limit; true at most once a minute per
   * address, so a flood of refusals is logged as one line, not one line each.
   */
  shouldReport(key: string, now: number): boolean {
    const bucket = this.#buckets.get(key);
    if (!bucket || (bucket.reportedAt !== undefined && now - bucket.reportedAt < 60_000)) {
      return false;
    }
    bucket.reportedAt = now;
    return true;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.level(now) >= bucket.capacity) this.#buckets.delete(key);
    }
    // Still full: forget the addresses that failed longest ago.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size < this.maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}

/**
 * The key an address is limited by: IPv4 as is (also when mapped into IPv6), IPv6 by its /64,
 * the smallest block one site is usually given, so one attacker cannot use each of its addresses.
 */
export function addressKey(remote: string | undefined): string {
  if (!remote) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped?.[1]) return mapped[1];
  if (!remote.includes(":")) return remote;
  const [head = "", tail] = remote.split("%")[0]?.split("::") ?? [];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [
    ...left,
    ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"),
    ...right,
  ];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
