// Rows held in memory while the buffer's disk takes no writes (full, or failing): the same contract
// as the SQLite rows, so the outbox numbers, sends and acknowledges them alike. Bounded by the
// outbox, which drops the oldest unnumbered rows past buffer.memoryMegabytes; they move to the file
// as soon as it takes writes again.
import { type Counts, type NewRow, type OutboxRows, type StoredRow, zeroCounts } from "./rows.js";

interface MemoryRow extends StoredRow {
  seq: number | undefined;
}

export class MemoryRows implements OutboxRows {
  #rows: MemoryRow[] = [];
  #nextId = 1;
  #nextSeq = 1;
  #counts: Counts = zeroCounts();

  totals(): { bytes: number; items: number } {
    return this.#rows.reduce(
      (sum, row) => ({ bytes: sum.bytes + row.bytes, items: sum.items + row.items }),
      { bytes: 0, items: 0 },
    );
  }

  insert(row: NewRow, seq?: number): number {
    const id = this.#nextId++;
    this.#rows.push({ ...row, id, seq });
    return id;
  }

  numberedSeqs(): number[] {
    const seqs = new Set<number>();
    for (const row of this.#rows) if (row.seq !== undefined) seqs.add(row.seq);
    return [...seqs].sort((a, b) => a - b);
  }

  numbered(seq: number): StoredRow[] {
    return this.#rows.filter((row) => row.seq === seq);
  }

  unnumbered(after: number, upTo: number): Iterable<StoredRow> {
    return this.#rows
      .filter((row) => row.seq === undefined && row.id > after && row.id <= upTo)
      .slice(0, 1000);
  }

  number(seq: number, fromId: number, toId: number, nextSeq: number): void {
    for (const row of this.#rows) {
      if (row.seq === undefined && row.id >= fromId && row.id <= toId) row.seq = seq;
    }
    this.#nextSeq = nextSeq;
  }

  deleteBatch(seq: number): { items: number; bytes: number } {
    return this.#remove((row) => row.seq === seq);
  }

  deleteOldest(bytes: number): { items: number; bytes: number } {
    let freed = 0;
    return this.#remove((row) => {
      if (row.seq !== undefined || freed >= bytes) return false;
      freed += row.bytes;
      return true;
    });
  }

  /** Takes out the oldest unnumbered row, to write it to the file. */
  shiftUnnumbered(): StoredRow | undefined {
    const index = this.#rows.findIndex((row) => row.seq === undefined);
    if (index < 0) return undefined;
    return this.#rows.splice(index, 1)[0];
  }

  /** Puts back a row taken by shiftUnnumbered() that could not be written, in its place. */
  unshift(row: StoredRow): void {
    this.#rows.unshift({ ...row, seq: undefined });
  }

  /** Every row, oldest first, numbered or not. */
  rows(): readonly (StoredRow & { seq: number | undefined })[] {
    return this.#rows;
  }

  newestId(): number {
    return this.#rows[this.#rows.length - 1]?.id ?? 0;
  }

  nextSeq(): number {
    return this.#nextSeq;
  }

  setNextSeq(seq: number): void {
    this.#nextSeq = seq;
  }

  counts(): Counts {
    return this.#counts;
  }

  setCounts(counts: Counts): void {
    this.#counts = counts;
  }

  close(): void {
    this.#rows = [];
  }

  #remove(match: (row: MemoryRow) => boolean): { items: number; bytes: number } {
    const removed = { items: 0, bytes: 0 };
    this.#rows = this.#rows.filter((row) => {
      if (!match(row)) return true;
      removed.items += row.items;
      removed.bytes += row.bytes;
      return false;
    });
    return removed;
  }
}
