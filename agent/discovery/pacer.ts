// The pace discovery sends at: every probe packet (an ICMP echo, a TCP SYN, an SNMP request) waits
// for its turn, one every 1/rate seconds with no burst, so a unit's LAN never sees more than the
// rate the operator set, however many probes run side by side.

export class Pacer {
  #next = 0;
  readonly #gap: number;

  /** `rate` packets per second. */
  constructor(rate: number) {
    this.#gap = 1000 / rate;
  }

  /**
   * Resolves when the caller may send `packets` packets (a request that may be retried once is
   * two); rejects when the signal fires first.
   */
  turn(signal: AbortSignal, packets = 1): Promise<void> {
    signal.throwIfAborted();
    const now = performance.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.#gap * packets;
    const wait = at - now;
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, wait);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** Runs `work` on every item with at most `concurrency` at once; stops taking items on abort. */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  signal.throwIfAborted();
}
