// The agent's outbox: every result is written here before anything is sent, and leaves only when the
// collector acknowledges the batch that carried it. Batches alternate between live data and the
// backlog of earlier connections, which drains at a bounded rate. Rows live in the buffer file
// (file.ts, rows.ts); while its disk takes no writes they are held in memory (memory-rows.ts), sent
// from there, and written to the file once it takes writes again (disk.ts). This file is the receiving
// side (appends, trimming, counting what is dropped); the sending side, which numbers batches and
// drains the backlog, is sender.ts's. Encoding is codec.ts's, grouping of appends coalescing.ts's.
import { type Logger, silentLogger } from "../../shared/log.js";
import { type Held, WriteCoalescer } from "./coalescing.js";
import { encodeRow } from "./codec.js";
import {
  DROP_REASONS,
  type DropReason,
  type Entry,
  entryFragments,
  type PendingBatch,
  sampleCount,
  withFiniteValues,
} from "./entry.js";
import { type Counts, ROW_OVERHEAD, zeroCounts } from "./rows.js";
import { OutboxSender } from "./sender.js";
import { type OutboxHealth, OutboxStorage } from "./storage.js";

export {
  DROP_REASONS,
  type DropReason,
  type Entry,
  type OutboxHealth,
  type PendingBatch,
  sampleCount,
};

export interface OutboxOptions {
  /** SQLite file, or ":memory:". */
  path: string;
  maxBytes: number;
  /** Most bytes of rows held in memory while the file cannot be written; default 16 MiB. */
  memoryBytes?: number;
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
  /** Called with each entry once it is written to the file, or held in memory when it cannot be. */
  onWritten?: (entry: Entry) => void;
  /** Called with entries held in memory and then dropped (the disk stayed full too long). */
  onDropped?: (entry: Entry, reason: DropReason) => void;
  log?: Logger;
}

export class Outbox {
  readonly #storage: OutboxStorage;
  readonly #sender: OutboxSender;
  readonly #maxBytes: number;
  readonly #batchBytes: number;
  readonly #coalescer: WriteCoalescer;
  readonly #onWritten: ((entry: Entry) => void) | undefined;
  readonly #counts: Counts = zeroCounts();
  #bytes = 0;
  #items = 0;
  #listener: (() => void) | undefined;

  constructor(options: OutboxOptions) {
    this.#maxBytes = options.maxBytes;
    this.#batchBytes = options.batchBytes ?? 512 * 1024;
    const now = options.now ?? Date.now;
    this.#onWritten = options.onWritten;
    const onDropped = options.onDropped;
    this.#coalescer = new WriteCoalescer(
      options.writeDelayMs ?? 0,
      this.#onWritten !== undefined || onDropped !== undefined,
      (held) => this.#write(held),
    );
    this.#storage = new OutboxStorage({
      path: options.path,
      log: options.log ?? silentLogger(),
      memoryBytes: options.memoryBytes ?? 16 * 2 ** 20,
      now,
      keepEntries: onDropped !== undefined,
      onDropped: (reason, samples, bytes, entries) => {
        this.#bytes -= bytes;
        this.#items -= samples;
        this.#drop(reason, samples);
        for (const entry of entries) onDropped?.(entry, reason);
      },
      onRecovered: () => {
        this.#countOpened();
        this.#listener?.();
      },
      state: () => ({ nextSeq: this.#sender.nextSeq, counts: this.#counts }),
    });
    this.#sender = new OutboxSender({
      storage: this.#storage,
      batchBytes: this.#batchBytes,
      backfillPerSecond: options.backfillPerSecond ?? 2000,
      now,
      onWake: () => this.#listener?.(),
    });
    this.#countOpened();
  }

  /** Adds what the file held when it opened (at start, or later once its disk took writes). */
  #countOpened(): void {
    const opened = this.#storage.takeOpened();
    if (!opened) return;
    this.#bytes += opened.bytes;
    this.#items += opened.items;
    for (const reason of DROP_REASONS)
      this.#counts.dropped[reason] += opened.counts.dropped[reason];
    this.#counts.corruptFiles += opened.counts.corruptFiles;
    this.#sender.opened(opened.nextSeq);
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
    const { fragments, size, items } = entryFragments(entry);
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
    this.#bytes += bytes;
    // Before the row is stored, so entries dropped at once (memory full) are traced after it.
    for (const entry of entries) this.#onWritten?.(entry);
    const { id, inFile } = this.#storage.insert({ items, bytes, size, format, body }, entries);
    if (!inFile) return;
    this.#sender.written(id, fragments);
    if (this.#bytes > this.#maxBytes) this.#trim();
  }

  /**
   * Drops the oldest entries until the outbox is 5% under its cap, so trimming is not per append.
   * Batches already numbered are kept: they may have reached the collector, and counting them as
   * dropped would be a lie; there are at most a few in flight.
   */
  #trim(): void {
    const freed = this.#storage.deleteOldestInFile(this.#bytes - this.#maxBytes * 0.95);
    this.#bytes -= freed.bytes;
    this.#items -= freed.items;
    this.#drop("full", freed.items);
  }

  #drop(reason: DropReason, samples: number): void {
    if (samples <= 0) return;
    this.#counts.dropped[reason] += samples;
    // While the disk refuses writes the counts wait here; the recovery saves them.
    this.#storage.saveCounts(this.#counts);
  }

  /** The next batch to send (sender.ts chooses it); what append() holds is written first. */
  take(): PendingBatch | undefined {
    this.flush();
    return this.#sender.take();
  }

  /** The collector stored this batch: it is deleted. */
  ack(seq: number): void {
    this.#sender.settled(seq);
    this.#forget(seq);
  }

  /**
   * A batch the collector refused as invalid will never be accepted: it is dropped and counted.
   * Returns the samples dropped.
   */
  reject(seq: number): number {
    this.#sender.settled(seq);
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
    const deleted = this.#storage.deleteBatch(seq);
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
    this.#sender.resume();
  }

  /** The collector has stored every seq up to lastSeq, so new batches are numbered above it. */
  raiseSeq(lastSeq: number): void {
    this.#sender.raiseSeq(lastSeq);
  }

  /** Samples dropped unsent since the outbox file was created, for every reason. */
  get droppedSamples(): number {
    let total = 0;
    for (const reason of DROP_REASONS) total += this.#counts.dropped[reason];
    return total;
  }

  /** Samples dropped unsent since the outbox file was created, by reason. */
  get dropped(): Readonly<Record<DropReason, number>> {
    return this.#counts.dropped;
  }

  /** Buffer files found corrupt at start and moved aside, over this file's history. */
  get corruptFiles(): number {
    return this.#counts.corruptFiles;
  }

  /** Samples waiting, sent or not, until acknowledged. */
  get size(): number {
    return this.#items;
  }

  /** Bytes of data held (compressed bodies plus an estimate of SQLite's per-row overhead). */
  get bytes(): number {
    return this.#bytes;
  }

  get health(): OutboxHealth {
    return this.#storage.health;
  }

  /** Called after every append (and when the backlog may flow again), so the link can send. */
  onReady(listener: () => void): void {
    this.#listener = listener;
  }

  /** Writes what is held and closes the file; what a full disk still refuses is logged as lost. */
  close(): void {
    this.flush();
    this.#sender.close();
    this.#storage.close();
  }
}
