// The scheduler's one timer: entries ordered by when they are due (a binary min-heap), so the agent
// holds a single Node timer however many checks it has, instead of a new long-lived timer per run.

export interface Due {
  /** When it is due, ms since the epoch. */
  at: number;
}

export class DueQueue<T extends Due> {
  readonly #heap: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  /** `fire` receives each entry once it is due; it sets the entry's next `at` and push()es it back. */
  constructor(private readonly fire: (entry: T) => void) {}

  push(entry: T): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as T).at <= entry.at) break;
      heap[i] = heap[parent] as T;
      i = parent;
    }
    heap[i] = entry;
    this.#arm();
  }

  /** Drops every entry and the timer. */
  clear(): void {
    this.#heap.length = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #pop(): T | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && (heap[right] as T).at < (heap[left] as T).at ? right : left;
      if ((heap[child] as T).at >= last.at) break;
      heap[i] = heap[child] as T;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** One timer, for the earliest entry; moved only when an earlier one arrives. */
  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined || (this.#timer && first.at >= this.#timerAt)) return;
    clearTimeout(this.#timer);
    this.#timerAt = first.at;
    this.#timer = setTimeout(() => this.#wake(), Math.max(0, first.at - Date.now()));
  }

  #wake(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    // One at a time, so an entry whose fire throws leaves the others queued and the timer armed.
    try {
      while ((this.#heap[0]?.at ?? Number.POSITIVE_INFINITY) <= now) this.fire(this.#pop() as T);
    } finally {
      this.#arm();
    }
  }
}
