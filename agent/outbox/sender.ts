// The outbox's sending side: which batch goes out next, under which seq, assembled from which rows.
import { TokenBucket } from "../../shared/token-bucket.js";
import { assembleBatch, fitBatch } from "./batch.js";
import { decodeRow, type Fragments } from "./codec.js";
import type { PendingBatch } from "./entry.js";
import type { StoredRow } from "./rows.js";
import type { OutboxStorage } from "./storage.js";

export interface SenderOptions {
  storage: OutboxStorage;
  /** Largest batch, in bytes of JSON. */
  batchBytes: number;
  /** Backlog drains at most this fast, samples/s. */
  backfillPerSecond: number;
  now: () => number;
  /** The backlog may flow again: the token bucket has refilled after a wait. */
  onWake: () => void;
}

export class OutboxSender {
  readonly #storage: OutboxStorage;
  readonly #batchBytes: number;
  readonly #now: () => number;
  readonly #bucket: TokenBucket;
  readonly #onWake: () => void;
  #nextSeq = 1;
  /** File rows with id up to this were written before the current connection: the backlog. */
  #backlogUpTo = 0;
  /** Numbered batches already sent on the current connection. */
  #sent = new Set<number>();
  #preferBacklog = false;
  #wake: NodeJS.Timeout | undefined;
  /** The decoded fragments of the file row written last, so sending it does not decode it again. */
  #recent: { id: number; fragments: Fragments } | undefined;

  constructor(options: SenderOptions) {
    this.#storage = options.storage;
    this.#batchBytes = options.batchBytes;
    this.#now = options.now;
    this.#onWake = options.onWake;
    const rate = options.backfillPerSecond;
    // One second's worth of backlog at most, so a long quiet spell does not release a flood.
    this.#bucket = new TokenBucket(rate, rate, this.#now());
  }

  /** The seq the next new batch gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** A file opened (at start, or once its disk took writes) that numbers from `nextSeq` on. */
  opened(nextSeq: number): void {
    this.#nextSeq = Math.max(this.#nextSeq, nextSeq);
  }

  /** Row `id` was just written to the file with these fragments. */
  written(id: number, fragments: Fragments): void {
    this.#recent = { id, fragments };
  }

  /**
   * The next batch to send. First batches numbered before and not yet sent on this connection
   * (same seq, same content), lowest seq first wherever they are held; then new ones from the
   * file, alternating between live data and the backlog so neither starves; then rows held in
   * memory. The backlog drains at most `backfillPerSecond`.
   */
  take(): PendingBatch | undefined {
    for (const seq of this.#storage.numberedSeqs()) {
      if (this.#sent.has(seq)) continue;
      this.#sent.add(seq);
      const { rows, held } = this.#storage.numbered(seq);
      const newest = rows[rows.length - 1]?.id ?? 0;
      return this.#batch(seq, rows, !held && newest <= this.#backlogUpTo, held);
    }
    const order = this.#preferBacklog ? [true, false] : [false, true];
    for (const backlog of order) {
      const batch = this.#numberNew(backlog);
      if (batch) {
        this.#preferBacklog = !backlog;
        return batch;
      }
    }
    return this.#numberHeld();
  }

  #numberNew(backlog: boolean): PendingBatch | undefined {
    const [after, upTo] = backlog
      ? [0, this.#backlogUpTo]
      : [this.#backlogUpTo, Number.MAX_SAFE_INTEGER];
    const now = this.#now();
    let budget = Number.POSITIVE_INFINITY;
    if (backlog) {
      budget = this.#bucket.level(now);
      if (budget < 1) {
        this.#wakeIn(this.#bucket.waitMs(now));
        return undefined;
      }
    }
    const unnumbered = this.#storage.unnumberedInFile(after, upTo);
    const { rows, items } = fitBatch(unnumbered, this.#batchBytes, budget);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return undefined;
    // A single entry bigger than what is left this second waits for the bucket; one bigger than the
    // bucket itself (more samples than a second's rate) goes once it is full, and the debt it leaves
    // holds the next back until paid, so the rate holds on average.
    const needed = Math.min(items, this.#bucket.capacity);
    if (backlog && budget < needed) {
      this.#wakeIn(this.#bucket.waitMs(now, needed));
      return undefined;
    }
    const seq = this.#nextSeq;
    if (!this.#storage.numberInFile(seq, first.id, last.id, seq + 1)) return undefined;
    if (backlog) this.#bucket.take(now, items);
    this.#nextSeq++;
    this.#sent.add(seq);
    return this.#batch(seq, rows, backlog, false);
  }

  /** A batch of rows held in memory: the newest results, while the file takes no writes. */
  #numberHeld(): PendingBatch | undefined {
    const held = this.#storage.unnumberedHeld();
    const { rows } = fitBatch(held, this.#batchBytes, Number.POSITIVE_INFINITY);
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return undefined;
    const seq = this.#nextSeq++;
    this.#storage.numberHeld(seq, first.id, last.id, this.#nextSeq);
    this.#sent.add(seq);
    return this.#batch(seq, rows, false, true);
  }

  #wakeIn(ms: number): void {
    if (this.#wake) return;
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#onWake();
    }, Math.ceil(ms));
    this.#wake.unref();
  }

  /** The batch of these rows; the newest file row's fragments come from memory once, then go. */
  #batch(seq: number, rows: readonly StoredRow[], backlog: boolean, held: boolean): PendingBatch {
    return assembleBatch(seq, rows, backlog, (row) => {
      if (!held && row.id === this.#recent?.id) {
        const { fragments } = this.#recent;
        this.#recent = undefined;
        return fragments;
      }
      return decodeRow(row.format, row.body);
    });
  }

  /** Batch `seq` was acknowledged or refused: it will not be sent again. */
  settled(seq: number): void {
    this.#sent.delete(seq);
  }

  /**
   * A new connection: unacknowledged batches go out again, in seq order, and every row in the file
   * until now counts as backlog.
   */
  resume(): void {
    this.#sent.clear();
    this.#backlogUpTo = this.#storage.newestFileId();
  }

  /** The collector has stored every seq up to lastSeq, so new batches are numbered above it. */
  raiseSeq(lastSeq: number): void {
    if (this.#nextSeq <= lastSeq) {
      this.#nextSeq = lastSeq + 1;
      this.#storage.setNextSeq(this.#nextSeq);
    }
  }

  close(): void {
    clearTimeout(this.#wake);
  }
}
