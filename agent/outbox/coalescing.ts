// Write coalescing: entries appended within a short delay are held and written as one row, so several
// check runs cost one compression and one SQLite transaction. A crash loses at most the delay.
import type { Fragments } from "./codec.js";
import type { Entry } from "./entry.js";

/** What is held: the JSON fragments of whole entries. */
export interface Held {
  fragments: Fragments;
  /** The entries themselves, kept only when someone wants them once written. */
  entries: Entry[];
  /** Length of the fragments' JSON. */
  size: number;
  /** Samples the collector will store from them. */
  items: number;
}

export class WriteCoalescer {
  #results: string[] = [];
  #samples: string[] = [];
  #inventory: string[] = [];
  #entries: Entry[] = [];
  #size = 0;
  #items = 0;
  #timer: NodeJS.Timeout | undefined;

  /**
   * `write` receives what was held when the delay is up or flush() is called. `delayMs` 0 writes
   * each entry at once; `keepEntries` keeps the entries for `Held.entries`.
   */
  constructor(
    private readonly delayMs: number,
    private readonly keepEntries: boolean,
    private readonly write: (held: Held) => void,
  ) {}

  /** Length of the JSON held. */
  get size(): number {
    return this.#size;
  }

  /** Holds one entry's fragments; they are written within the delay. */
  hold(entry: Entry, fragments: Fragments, size: number, items: number): void {
    if (fragments.results) this.#results.push(fragments.results);
    if (fragments.samples) this.#samples.push(fragments.samples);
    if (fragments.inventory) this.#inventory.push(fragments.inventory);
    if (this.keepEntries) this.#entries.push(entry);
    this.#size += size;
    this.#items += items;
    if (this.delayMs <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Writes what is held now, if anything. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#items === 0 && this.#size === 0) return;
    const held: Held = {
      fragments: {
        results: this.#results.join(","),
        samples: this.#samples.join(","),
        inventory: this.#inventory.join(","),
      },
      entries: this.#entries,
      size: this.#size,
      items: this.#items,
    };
    this.#results = [];
    this.#samples = [];
    this.#inventory = [];
    this.#entries = [];
    this.#size = 0;
    this.#items = 0;
    this.write(held);
  }
}
