// Where the outbox's rows are: the buffer file (file.ts, rows.ts) and, while its disk takes no writes
// (full, failing, read-only), memory (memory-rows.ts), bounded by buffer.memoryMegabytes with the
// oldest rows dropped past it. The disk is tried again every few seconds; what memory holds then
// moves to the file. A batch is numbered in the file only when the file keeps the number: one sent
// under a number the file lost could go out again under another after a restart, stored twice.
import type { Logger } from "../../shared/log.js";
import { DISK_RETRY_MS, DiskHealth, type DiskTrouble, isDiskFailure } from "./disk.js";
import type { DropReason, Entry } from "./entry.js";
import { type Corruption, type OpenedFile, openBufferFile } from "./file.js";
import { MemoryRows } from "./memory-rows.js";
import type { Counts, NewRow, OutboxRows, StoredRow } from "./rows.js";

export interface StorageOptions {
  path: string;
  log: Logger;
  memoryBytes: number;
  now: () => number;
  /** Keep entries of rows held in memory, to hand them to onDropped. */
  keepEntries: boolean;
  /** Rows held in memory were dropped past memoryBytes. */
  onDropped: (reason: DropReason, samples: number, bytes: number, entries: Entry[]) => void;
  /** The file takes writes again (or was opened at last): more can be sent. */
  onRecovered: () => void;
  /** What the file keeps besides rows, as the outbox has it now. */
  state: () => { nextSeq: number; counts: Counts };
}

const NONE = { items: 0, bytes: 0 };

/** What `giamsat-agent status` shows of the buffer. */
export interface OutboxHealth {
  file: string;
  /** Set while the file takes no writes. */
  disk: DiskTrouble | undefined;
  heldInMemorySamples: number;
  corruption: Corruption | undefined;
}

export class OutboxStorage {
  readonly #health: DiskHealth;
  readonly #memory = new MemoryRows();
  readonly #entries = new Map<number, Entry[]>();
  /** Acknowledged batches still in the file because deleting them failed. */
  readonly #acked = new Set<number>();
  #file: OpenedFile | undefined;
  #retry: NodeJS.Timeout | undefined;
  /** Read from the file when it opens: what it holds, counted by the outbox. */
  #pendingTotals: { bytes: number; items: number; counts: Counts; nextSeq: number } | undefined;

  constructor(private readonly options: StorageOptions) {
    this.#health = new DiskHealth(options.path, options.log, options.memoryBytes);
    try {
      this.#open();
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      this.#failed(error);
    }
  }

  #open(): void {
    const file = openBufferFile(this.options.path, this.options.log);
    this.#file = file;
    this.#pendingTotals = {
      ...file.rows.totals(),
      counts: file.rows.counts(),
      nextSeq: file.rows.nextSeq(),
    };
  }

  /** What a newly opened file holds, once: the outbox adds it to its own totals. */
  takeOpened(): { bytes: number; items: number; counts: Counts; nextSeq: number } | undefined {
    const opened = this.#pendingTotals;
    this.#pendingTotals = undefined;
    return opened;
  }

  get health(): OutboxHealth {
    return {
      file: this.options.path,
      disk: this.#health.trouble,
      heldInMemorySamples: this.heldSamples,
      corruption: this.#file?.corruption,
    };
  }

  get heldSamples(): number {
    return this.#memory.totals().items;
  }

  /** The file, when it is open and takes writes. */
  get #writable(): OutboxRows | undefined {
    return this.#health.trouble ? undefined : this.#file?.rows;
  }

  /** Runs a write on the file; false when the disk refused it (remembered) or there is no file. */
  #tryFile(write: (rows: OutboxRows) => void): boolean {
    const rows = this.#writable;
    if (!rows) return false;
    try {
      write(rows);
      return true;
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      this.#failed(error);
      return false;
    }
  }

  #failed(error: unknown): void {
    this.#health.failed(error, this.options.now());
    this.#retry ??= setInterval(() => this.retry(), DISK_RETRY_MS);
    this.#retry.unref();
  }

  /** Stores a row: in the file (true), or held in memory while the file takes no writes (false). */
  insert(row: NewRow, entries: Entry[]): { id: number; inFile: boolean } {
    let id = 0;
    if (this.#tryFile((rows) => (id = rows.insert(row)))) return { id, inFile: true };
    id = this.#memory.insert(row);
    if (this.options.keepEntries) this.#entries.set(id, entries);
    let held = this.#memory.totals().bytes;
    while (held > this.options.memoryBytes) {
      const oldest = this.#memory.shiftUnnumbered();
      if (!oldest) break;
      held -= oldest.bytes;
      const dropped = this.#entries.get(oldest.id) ?? [];
      this.#entries.delete(oldest.id);
      this.options.onDropped("disk_full", oldest.items, oldest.bytes, dropped);
    }
    return { id, inFile: false };
  }

  /** Seqs of numbered batches, in the file and in memory, lowest first; acknowledged ones left out. */
  numberedSeqs(): number[] {
    const file = this.#file?.rows.numberedSeqs() ?? [];
    return [...file.filter((seq) => !this.#acked.has(seq)), ...this.#memory.numberedSeqs()].sort(
      (a, b) => a - b,
    );
  }

  numbered(seq: number): { rows: StoredRow[]; held: boolean } {
    const held = this.#memory.numbered(seq);
    if (held.length > 0) return { rows: held, held: true };
    return { rows: this.#file?.rows.numbered(seq) ?? [], held: false };
  }

  /** Unnumbered file rows with `after` < id <= `upTo`; none while the file takes no writes. */
  unnumberedInFile(after: number, upTo: number): Iterable<StoredRow> {
    return this.#writable?.unnumbered(after, upTo) ?? [];
  }

  /** Numbers file rows as batch `seq`; false when the file could not keep the number. */
  numberInFile(seq: number, fromId: number, toId: number, nextSeq: number): boolean {
    return this.#tryFile((rows) => rows.number(seq, fromId, toId, nextSeq));
  }

  unnumberedHeld(): Iterable<StoredRow> {
    return this.#memory.unnumbered(0, Number.MAX_SAFE_INTEGER);
  }

  /** Numbers held rows as batch `seq`; the file keeps `nextSeq` when it can. */
  numberHeld(seq: number, fromId: number, toId: number, nextSeq: number): void {
    this.#memory.number(seq, fromId, toId, nextSeq);
    for (const row of this.#memory.numbered(seq)) this.#entries.delete(row.id);
    this.#tryFile((rows) => rows.setNextSeq(nextSeq));
  }

  /** Deletes batch `seq` wherever it is; returns what it held. */
  deleteBatch(seq: number): { items: number; bytes: number } {
    const held = this.#memory.deleteBatch(seq);
    if (held.items > 0 || held.bytes > 0) return held;
    const file = this.#file?.rows;
    if (!file || this.#acked.has(seq)) return NONE;
    const rows = file.numbered(seq);
    // Deleting needs the disk too; until it works the batch is only left out.
    if (!this.#tryFile((r) => r.deleteBatch(seq)) && rows.length > 0) this.#acked.add(seq);
    return rows.reduce(
      (sum, r) => ({ items: sum.items + r.items, bytes: sum.bytes + r.bytes }),
      NONE,
    );
  }

  deleteOldestInFile(bytes: number): { items: number; bytes: number } {
    let freed = NONE;
    this.#tryFile((rows) => (freed = rows.deleteOldest(bytes)));
    return freed;
  }

  newestFileId(): number {
    return this.#file?.rows.newestId() ?? 0;
  }

  setNextSeq(seq: number): void {
    this.#tryFile((rows) => rows.setNextSeq(seq));
  }

  /** Saves the counts; false when the file could not keep them now. */
  saveCounts(counts: Counts): boolean {
    return this.#tryFile((rows) => rows.setCounts(counts));
  }

  /**
   * Tries the disk again: opens the file if it never opened, deletes acknowledged batches, moves
   * what memory holds into the file, saves seq and counts. Called every few seconds while failing.
   */
  retry(): void {
    if (!this.#health.trouble && this.#file) return;
    const now = this.options.now();
    try {
      if (!this.#file) this.#open();
      const rows = this.#file?.rows;
      if (!rows) return;
      for (const seq of this.#acked) {
        rows.deleteBatch(seq);
        this.#acked.delete(seq);
      }
      let moved = 0;
      for (let row = this.#memory.shiftUnnumbered(); row; row = this.#memory.shiftUnnumbered()) {
        const { id, ...stored } = row;
        try {
          rows.insert(stored);
        } catch (error) {
          this.#memory.unshift(row);
          throw error;
        }
        this.#entries.delete(id);
        moved += row.items;
      }
      const state = this.options.state();
      rows.setNextSeq(state.nextSeq);
      rows.setCounts(state.counts);
      clearInterval(this.#retry);
      this.#retry = undefined;
      this.#health.recovered(moved, now);
      this.options.onRecovered();
    } catch (error) {
      if (!isDiskFailure(error)) throw error;
      this.#health.failed(error, now);
      const dropped = this.options.state().counts.dropped.disk_full;
      this.#health.stillFailing(error, now, { samples: this.heldSamples, dropped });
    }
  }

  /**
   * Writes what memory holds to the file (batches in flight under their seq) and closes it; what
   * the disk still refuses is lost with the process, and the log says so.
   */
  close(): void {
    if (this.#health.trouble || !this.#file) this.retry();
    clearInterval(this.#retry);
    for (const { id: _id, seq, ...row } of this.#memory.rows()) {
      if (this.#tryFile((rows) => rows.insert(row, seq))) continue;
      this.options.log.error(
        { file: this.options.path, lostSamples: this.heldSamples },
        "results held in memory could not be written to the buffer file before stopping: they are lost",
      );
      break;
    }
    const { counts } = this.options.state();
    this.#tryFile((rows) => rows.setCounts(counts));
    this.#memory.close();
    this.#file?.close();
  }
}
