// An outbox in memory, bounded by a number of samples: the oldest entries are dropped first.
// Used until the durable SQLite outbox replaces it; it keeps the same contract.
import { type Entry, entrySize, type Outbox, type PendingBatch } from "./outbox.js";

export class MemoryOutbox implements Outbox {
  readonly #waiting: Entry[] = [];
  readonly #numbered = new Map<number, PendingBatch>();
  #sentUpTo = 0;
  // Without a durable counter, the clock keeps seq increasing across restarts.
  #nextSeq = Date.now();
  #size = 0;
  #dropped = 0;
  #listener: (() => void) | undefined;

  constructor(
    private readonly maxItems: number,
    private readonly batchItems = 5000,
  ) {}

  append(entry: Entry): void {
    this.#waiting.push(entry);
    this.#size += entrySize(entry);
    while (this.#size > this.maxItems && this.#waiting.length > 1) {
      const oldest = this.#waiting.shift() as Entry;
      this.#size -= entrySize(oldest);
      this.#dropped += entrySize(oldest);
    }
    this.#listener?.();
  }

  take(): PendingBatch | undefined {
    for (const batch of this.#numbered.values()) {
      if (batch.seq > this.#sentUpTo) {
        this.#sentUpTo = batch.seq;
        return batch;
      }
    }
    if (this.#waiting.length === 0) return undefined;
    const batch: PendingBatch = { seq: this.#nextSeq++, results: [], samples: [], inventory: [] };
    let items = 0;
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0] as Entry;
      if (items > 0 && items + entrySize(next) > this.batchItems) break;
      this.#waiting.shift();
      batch.results.push(...next.results);
      batch.samples.push(...next.samples);
      batch.inventory.push(...next.inventory);
      items += entrySize(next);
    }
    this.#numbered.set(batch.seq, batch);
    this.#sentUpTo = batch.seq;
    return batch;
  }

  ack(seq: number): void {
    const batch = this.#numbered.get(seq);
    if (!batch) return;
    this.#numbered.delete(seq);
    this.#size -= entrySize(batch);
  }

  rewind(): void {
    this.#sentUpTo = 0;
  }

  raiseSeq(lastSeq: number): void {
    if (this.#nextSeq <= lastSeq) this.#nextSeq = lastSeq + 1;
  }

  get droppedSamples(): number {
    return this.#dropped;
  }

  get size(): number {
    return this.#size;
  }

  onAppend(listener: () => void): void {
    this.#listener = listener;
  }

  close(): void {}
}
