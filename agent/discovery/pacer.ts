// The pace discovery sends at: every probe packet (an ICMP echo, a TCP SYN, an SNMP request) waits
// for its turn, one every 1/rate seconds with no burst, so a unit's LAN never sees more than the
// rate the operator set, however many probes run side by side.

interface Waiter {
  packets: number;
  signal: AbortSignal;
  resolve: (grantedAt: number) => void;
  onAbort: () => void;
}

export class Pacer {
  readonly #gap: number;
  /** When the last turn was granted (performance.now()) and for how many packets. */
  #last = Number.NEGATIVE_INFINITY;
  #lastPackets = 0;
  readonly #waiting: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** `rate` packets per second. */
  constructor(rate: number) {
    this.#gap = 1000 / rate;
  }

  /**
   * Resolves, with the time it was granted (performance.now()), when the caller may send `packets`
   * packets (a request that may be retried once is two); rejects when the signal fires first.
   * Turns are granted in order, each a full gap after the one before was granted, measured when it
   * is: a stalled event loop delays the turns that fell due meanwhile, it never lets them go out
   * together.
   */
  turn(signal: AbortSignal, packets = 1): Promise<number> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        packets,
        signal,
        resolve,
        onAbort: () => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
      this.#grant();
    });
  }

  /** Grants the next turn if it is due, else waits until it is. */
  #grant(): void {
    if (this.#timer !== undefined || this.#waiting.length === 0) return;
    const now = performance.now();
    const due = this.#last + this.#gap * this.#lastPackets;
    if (now < due) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#grant();
      }, due - now);
      return;
    }
    const waiter = this.#waiting.shift() as Waiter;
    waiter.signal.removeEventListener("abort", waiter.onAbort);
    this.#last = now;
    this.#lastPackets = waiter.packets;
    waiter.resolve(now);
    this.#grant();
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
