// The agent's outbox: every result is written here before anything is sent, and leaves only when the
// collector acknowledges the batch that carried it. Batches alternate between live data and the
// backlog of earlier connections, which drains at a bounded rate. Rows are kept by rows.ts, encoded
// by codec.ts, and appends are grouped into rows by coalescing.ts.
import { TokenBucket } from "../../shared/token-bucket.js";
import { type Held, WriteCoalescer } from "./coalescing.js";
import { decodeRow, encodeRow, type Fragments } from "./codec.js";
import {
  DROP_REASONS,
  type DropReason,
  type Entry,
  listText,
  type PendingBatch,
  sampleCount,
  withFiniteValues,
} from "./entry.js";
import { type OutboxRows, openSqliteRows, ROW_OVERHEAD, type StoredRow } from "./rows.js";

export { DROP_REASONS, type DropReason, type Entry, type PendingBatch, sampleCount };

export interface OutboxOptions {
  /** SQLite file, or ":memory:". */
  path: string;
  maxBytes: number;
  /** Largest batch, in bytes of JSON; the collector refuses frames over 1 MiB. */
  batchBytes?: number;
  /** Backlog (data from before the current connection) drains at most this fast, samples/s. */
  backfillPerSecond?: number;
  now?: () => number;
  /**
   * Appends within this long share one row, written when the time is up or take() needs them:
   * one compression and one SQLite transaction for several check runs. Default 0: each append is
   * written at once. A crash loses at most this much.
   */
  writeDelayMs?: number;
  /** Called with each entry once it is written to the file. */
  onWritten?: (entry: Entry) => void;
}

/** The decoded fragments of the row written last, so sending it does not decode it again. */
interface Recent {
  id: number;
  fragments: Fragments;
}

export class Outbox {
  readonly #rows: OutboxRows;
  readonly #maxBytes: number;
  readonly #batchBytes: number;
  readonly #rate: number;
  readonly #now: () => number;
  readonly #bucket: TokenBucket;
  readonly #coalescer: WriteCoalescer;
  readonly #onWritten: ((entry: Entry) => void) | undefined;
  readonly #dropped: Record<DropReason, number>;
  #bytes: number;
  #items: number;
  #nextSeq: number;
  /** Rows with id up to this were written before the current connection: the backlog. */
  #backlogUpTo = 0;
  /** Numbered batches already sent on the current connection. */
  #sent = new Set<number>();
  #preferBacklog = false;
  #listener: (() => void) | undefined;
  #wake: NodeJS.Timeout | undefined;
  #recent: Recent | undefined;

  constructor(options: OutboxOptions) {
    this.#rows = openSqliteRows(options.path);
    this.#maxBytes = options.maxBytes;
    this.#batchBytes = options.batchBytes ?? 512 * 1024;
    this.#rate = options.backfillPerSecond ?? 2000;
    this.#now = options.now ?? Date.now;
    // One second's worth of backlog at most, so a long quiet spell does not release a flood.
    this.#bucket = new TokenBucket(this.#rate, this.#rate, this.#now());
    this.#onWritten = options.onWritten;
    this.#coalescer = new WriteCoalescer(
      options.writeDelayMs ?? 0,
      this.#onWritten !== undefined,
      (held) => this.#write(held),
    );
    const totals = this.#rows.totals();
    this.#bytes = totals.bytes;
    this.#items = totals.items;
    this.#dropped = this.#rows.dropped();
    this.#nextSeq = this.#rows.nextSeq();
  }

  /**
   * Takes the entry; it is written durably within `writeDelayMs` (at once by default), and always
   * before take() hands out anything. When over the size cap, the oldest entries are dropped and
   * counted; so are samples whose value is not a finite number.
   */
  append(appended: Entry): void {
    const entry = withFiniteValues(appended);
    if (entry !== appended) {
      this.#drop("not_finite", appended.samples.length - entry.samples.length);
    }
    // One JSON.stringify per array (its text without the brackets), not one per item and a join.
    const fragments: Fragments = {
      results: listText(entry.results),
      samples: listText(entry.samples),
      inventory: listText(entry.inventory),
    };
    const size = fragments.results.length + fragments.samples.length + fragments.inventory.length;
    const items = sampleCount(entry);
    if (size > this.#batchBytes) {
      // It could never be sent (the collector caps frames); count it as dropped rather than block.
      this.#drop("too_big", items);
      return;
    }
    // A row holds at most a batch, so it can always be sent, and a twentieth of the cap, so
    // trimming to 95% of it drops old rows, never the one just written.
    if (this.#coalescer.size + size > Math.min(this.#batchBytes, this.#maxBytes / 20)) {
      this.flush();
    }
    this.#items += items;
    this.#coalescer.hold(entry, fragments, size, items);
    this.#listener?.();
  }

  /** Writes what append() holds as one row: one compression and one transaction for all of it. */
  flush(): void {
    this.#coalescer.flush();
  }

  #write({ fragments, entries, items }: Held): void {
    const { format, body } = encodeRow(fragments);
    const bytes = body.length + ROW_OVERHEAD;
    const size = fragments.results.length + fragments.samples.length + fragments.inventory.length;
    const id = this.#rows.insert({ items, bytes, size, format, body });
    this.#recent = { id, fragments };
    this.#bytes += bytes;
    if (this.#bytes > this.#maxBytes) this.#trim();
    for (const entry of entries) this.#onWritten?.(entry);
  }

  /**
   * Drops the oldest entries until the outbox is 5% under its cap, so trimming is not per append.
   * Batches already numbered are kept: they may have reached the collector, and counting them as
   * dropped would be a lie; there are at most a few in flight.
   */
  #trim(): void {
    const freed = this.#rows.deleteOldest(this.#bytes - this.#maxBytes * 0.95);
    this.#bytes -= freed.bytes;
    this.#items -= freed.items;
    this.#drop("full", freed.items);
  }

  #drop(reason: DropReason, samples: number): void {
    if (samples <= 0) return;
    this.#dropped[reason] += samples;
    this.#rows.setDropped(reason, this.#dropped[reason]);
  }

  /**
   * The next batch to send. First batches numbered before and not yet sent on this connection
   * (same seq, same content); then new ones, alternating between live data and the backlog so
   * neither starves. The backlog drains at most `backfillPerSecond`.
   */
  take(): PendingBatch | undefined {
    this.flush();
    for (const seq of this.#rows.numberedSeqs()) {
      if (this.#sent.has(seq)) continue;
      this.#sent.add(seq);
      const rows = this.#rows.numbered(seq);
      const newest = rows[rows.length - 1]?.id ?? 0;
      return this.#pending(seq, rows, newest <= this.#backlogUpTo);
    }
    const order = this.#preferBacklog ? [true, false] : [false, true];
    for (const backlog of order) {
      const batch = this.#numberNew(backlog);
      if (batch) {
        this.#preferBacklog = !backlog;
        return batch;
      }
    }
    return undefined;
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
    const rows: StoredRow[] = [];
    let size = 0;
    let items = 0;
    for (const row of this.#rows.unnumbered(after, upTo)) {
      if (rows.length > 0 && (size + row.size > this.#batchBytes || items + row.items > budget)) {
        break;
      }
      rows.push(row);
      size += row.size;
      items += row.items;
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return undefined;
    if (backlog && items > budget) {
      // A single entry bigger than what is left this second: wait for the bucket instead.
      this.#wakeIn(this.#bucket.waitMs(now, items));
      return undefined;
    }
    if (backlog) this.#bucket.take(now, items);
    const seq = this.#nextSeq++;
    this.#rows.number(seq, first.id, last.id, this.#nextSeq);
    this.#sent.add(seq);
    return this.#pending(seq, rows, backlog);
  }

  #wakeIn(ms: number): void {
    if (this.#wake) return;
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#listener?.();
    }, Math.ceil(ms));
    this.#wake.unref();
  }

  /** The batch of these rows; the newest row's fragments come from memory once, then are let go. */
  #pending(seq: number, rows: readonly StoredRow[], backlog: boolean): PendingBatch {
    const results: string[] = [];
    const samples: string[] = [];
    const inventory: string[] = [];
    let items = 0;
    for (const row of rows) {
      const recent = row.id === this.#recent?.id;
      const fragments = recent ? this.#recent?.fragments : decodeRow(row.format, row.body);
      if (recent) this.#recent = undefined;
      if (fragments?.results) results.push(fragments.results);
      if (fragments?.samples) samples.push(fragments.samples);
      if (fragments?.inventory) inventory.push(fragments.inventory);
      items += row.items;
    }
    return {
      seq,
      results: `[${results.join(",")}]`,
      samples: `[${samples.join(",")}]`,
      inventory: inventory.length > 0 ? `[${inventory.join(",")}]` : undefined,
      count: items,
      backlog,
    };
  }

  /** The collector stored this batch: it is deleted. */
  ack(seq: number): void {
    this.#sent.delete(seq);
    this.#forget(seq);
  }

  /**
   * A batch the collector refused as invalid will never be accepted: it is dropped and counted.
   * Returns the samples dropped.
   */
  reject(seq: number): number {
    this.#sent.delete(seq);
    const items = this.#forget(seq);
    this.#drop("refused", items);
    return items;
  }

  /** Samples the collector left out of a batch it stored (a `refused` message): counted as dropped. */
  refusedByCollector(samples: number): void {
    this.#drop("refused", samples);
  }

  /** Deletes batch `seq`; returns the samples it held. */
  #forget(seq: number): number {
    const deleted = this.#rows.deleteBatch(seq);
    this.#bytes -= deleted.bytes;
    this.#items -= deleted.items;
    return deleted.items;
  }

  /**
   * A new connection: unacknowledged batches go out again, in seq order, and everything
   * written until now counts as backlog.
   */
  resume(): void {
    this.flush();
    this.#sent.clear();
    this.#backlogUpTo = this.#rows.newestId();
  }

  /** The collector has stored every seq up to lastSeq, so new batches are numbered above it. */
  raiseSeq(lastSeq: number): void {
    if (this.#nextSeq <= lastSeq) {
      this.#nextSeq = lastSeq + 1;
      this.#rows.setNextSeq(this.#nextSeq);
    }
  }

  /** Samples dropped unsent since the outbox file was created, for every reason. */
  get droppedSamples(): number {
    let total = 0;
    for (const reason of DROP_REASONS) total += this.#dropped[reason];
    return total;
  }

  /** Samples dropped unsent since the outbox file was created, by reason. */
  get dropped(): Readonly<Record<DropReason, number>> {
    return this.#dropped;
  }

  /** Samples waiting, sent or not, until acknowledged. */
  get size(): number {
    return this.#items;
  }

  /** Bytes of data held (compressed bodies plus an estimate of SQLite's per-row overhead). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Called after every append (and when the backlog may flow again), so the link can send. */
  onReady(listener: () => void): void {
    this.#listener = listener;
  }

  close(): void {
    this.flush();
    clearTimeout(this.#wake);
    this.#rows.close();
  }
}
