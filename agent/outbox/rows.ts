// Where the outbox keeps its rows: the media behind outbox.ts. SQLite (WAL) on disk, opened by
// file.ts; memory-rows.ts holds rows in memory while the disk takes no writes. A row is one or more
// entries as one encoded body (codec.ts); numbered rows belong to the batch of that seq until it is
// acknowledged.
import type Database from "better-sqlite3";
import { DROP_REASONS, type DropReason } from "./entry.js";

export interface StoredRow {
  id: number;
  /** Samples the collector will store from it. */
  items: number;
  /** Bytes the row takes on disk (compressed body plus overhead): what the cap counts. */
  bytes: number;
  /** Length of its JSON once decoded: what a batch's size counts. */
  size: number;
  /** Row format of the body (codec.ts). */
  format: number;
  body: Buffer;
}

export type NewRow = Omit<StoredRow, "id">;

/** Drop counts by reason, plus corrupt files found at start (the file's own history). */
export interface Counts {
  dropped: Record<DropReason, number>;
  corruptFiles: number;
}

export function zeroCounts(): Counts {
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  return { dropped, corruptFiles: 0 };
}

/** What the outbox needs of a medium. */
export interface OutboxRows {
  /** Bytes and samples held, as when the outbox opened. */
  totals(): { bytes: number; items: number };
  /** Stores a row, unnumbered or already in batch `seq`; returns its id. */
  insert(row: NewRow, seq?: number): number;
  /** Seqs of numbered rows, ascending. */
  numberedSeqs(): number[];
  /** The rows of a numbered batch, oldest first. */
  numbered(seq: number): StoredRow[];
  /** Unnumbered rows with `after` < id <= `upTo`, oldest first (at most 1000). */
  unnumbered(after: number, upTo: number): Iterable<StoredRow>;
  /** Numbers the unnumbered rows from `fromId` to `toId` as batch `seq`; `nextSeq` is kept with it. */
  number(seq: number, fromId: number, toId: number, nextSeq: number): void;
  /** Deletes the rows of batch `seq`; returns what they held. */
  deleteBatch(seq: number): { items: number; bytes: number };
  /** Deletes the oldest unnumbered rows until at least `bytes` are freed; returns what went. */
  deleteOldest(bytes: number): { items: number; bytes: number };
  /** Highest row id (0 when empty). */
  newestId(): number;
  nextSeq(): number;
  setNextSeq(seq: number): void;
  counts(): Counts;
  setCounts(counts: Counts): void;
  close(): void;
}

/** SQLite's own bytes per row beyond the body (record header, b-tree cell, index entry), measured. */
export const ROW_OVERHEAD = 24;

/**
 * Layout of the file, in PRAGMA user_version: raised whenever the file may hold what an older agent
 * cannot read (a new table layout, or rows in a new format), so that agent refuses it. The format
 * column was added without raising it: agents before it ignore the column, and every row is in
 * format 1, which they read. New keys of the state table do not raise it either: older agents read
 * the keys they know.
 */
export const LAYOUT_VERSION = 1;

/**
 * Where each drop count is kept in the state table. "dropped" is the first release's key, which
 * counted every drop; nearly all of them were for a full outbox.
 */
export const DROPPED_KEY: Record<DropReason, string> = {
  full: "dropped",
  too_big: "dropped_too_big",
  refused: "dropped_refused",
  not_finite: "dropped_not_finite",
  disk_full: "dropped_disk_full",
  corrupt: "dropped_corrupt",
};
export const CORRUPT_FILES_KEY = "corrupt_files";

/**
 * Creates the tables of a new file and adds what an older file lacks. Writes nothing to a file that
 * has it all, so a file on a full disk opens.
 */
export function prepareSchema(db: Database.Database): void {
  const keys = [
    "('next_seq', 1)",
    ...DROP_REASONS.map((reason) => `('${DROPPED_KEY[reason]}', 0)`),
    `('${CORRUPT_FILES_KEY}', 0)`,
  ];
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
    .pluck()
    .all();
  if (!tables.includes("entries_seq")) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        items INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        size INTEGER NOT NULL,
        body BLOB NOT NULL,
        seq INTEGER
      );
      CREATE INDEX IF NOT EXISTS entries_seq ON entries(seq) WHERE seq IS NOT NULL;
    `);
  }
  const present = db.prepare("SELECT count(*) FROM state").pluck().get();
  if (present !== keys.length) db.exec(`INSERT OR IGNORE INTO state VALUES ${keys.join(", ")}`);
  if (db.pragma("user_version", { simple: true }) !== LAYOUT_VERSION) {
    db.pragma(`user_version = ${LAYOUT_VERSION}`);
  }
  // Files of the first release have no format column: all of their rows are format 1.
  const columns = db.pragma("table_info(entries)") as { name: string }[];
  if (!columns.some((column) => column.name === "format")) {
    db.exec("ALTER TABLE entries ADD COLUMN format INTEGER NOT NULL DEFAULT 1");
  }
}

const ROW_COLUMNS = "id, items, bytes, size, format, body";

export class SqliteRows implements OutboxRows {
  readonly #statements;
  readonly #number;
  readonly #deleteOldest;
  readonly #setCounts;

  constructor(private readonly db: Database.Database) {
    this.#statements = {
      insert: db.prepare(
        "INSERT INTO entries (items, bytes, size, format, body, seq) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      numberedSeqs: db
        .prepare("SELECT DISTINCT seq FROM entries WHERE seq IS NOT NULL ORDER BY seq")
        .pluck(),
      numbered: db.prepare(`SELECT ${ROW_COLUMNS} FROM entries WHERE seq = ? ORDER BY id`),
      unnumbered: db.prepare(
        `SELECT ${ROW_COLUMNS} FROM entries WHERE seq IS NULL AND id > ? AND id <= ? ORDER BY id LIMIT 1000`,
      ),
      number: db.prepare("UPDATE entries SET seq = ? WHERE id BETWEEN ? AND ? AND seq IS NULL"),
      deleteBatch: db.prepare("DELETE FROM entries WHERE seq = ? RETURNING items, bytes"),
      oldest: db.prepare(
        "SELECT id, items, bytes FROM entries WHERE seq IS NULL ORDER BY id LIMIT 200",
      ),
      deleteUpTo: db.prepare("DELETE FROM entries WHERE id <= ? AND seq IS NULL"),
      newestId: db.prepare("SELECT coalesce(max(id), 0) FROM entries").pluck(),
      setState: db.prepare("UPDATE state SET value = ? WHERE key = ?"),
      getState: db.prepare("SELECT value FROM state WHERE key = ?").pluck(),
      totals: db.prepare(
        "SELECT coalesce(sum(bytes), 0) AS bytes, coalesce(sum(items), 0) AS items FROM entries",
      ),
    };
    this.#number = db.transaction((seq: number, fromId: number, toId: number, next: number) => {
      this.#statements.number.run(seq, fromId, toId);
      this.#statements.setState.run(next, "next_seq");
    });
    this.#setCounts = db.transaction((counts: Counts) => {
      for (const reason of DROP_REASONS) {
        this.#statements.setState.run(counts.dropped[reason], DROPPED_KEY[reason]);
      }
      this.#statements.setState.run(counts.corruptFiles, CORRUPT_FILES_KEY);
    });
    this.#deleteOldest = db.transaction((bytes: number) => {
      const freed = { items: 0, bytes: 0 };
      while (freed.bytes < bytes) {
        const rows = this.#statements.oldest.all() as Pick<StoredRow, "id" | "items" | "bytes">[];
        if (rows.length === 0) break;
        let upTo = 0;
        for (const row of rows) {
          if (freed.bytes >= bytes) break;
          upTo = row.id;
          freed.items += row.items;
          freed.bytes += row.bytes;
        }
        this.#statements.deleteUpTo.run(upTo);
      }
      return freed;
    });
  }

  totals(): { bytes: number; items: number } {
    return this.#statements.totals.get() as { bytes: number; items: number };
  }

  insert(row: NewRow, seq?: number): number {
    const { items, bytes, size, format, body } = row;
    const result = this.#statements.insert.run(items, bytes, size, format, body, seq ?? null);
    return Number(result.lastInsertRowid);
  }

  numberedSeqs(): number[] {
    return this.#statements.numberedSeqs.all() as number[];
  }

  numbered(seq: number): StoredRow[] {
    return this.#statements.numbered.all(seq) as StoredRow[];
  }

  unnumbered(after: number, upTo: number): Iterable<StoredRow> {
    return this.#statements.unnumbered.iterate(after, upTo) as Iterable<StoredRow>;
  }

  number(seq: number, fromId: number, toId: number, nextSeq: number): void {
    this.#number(seq, fromId, toId, nextSeq);
  }

  deleteBatch(seq: number): { items: number; bytes: number } {
    const deleted = { items: 0, bytes: 0 };
    for (const row of this.#statements.deleteBatch.all(seq) as { items: number; bytes: number }[]) {
      deleted.items += row.items;
      deleted.bytes += row.bytes;
    }
    return deleted;
  }

  deleteOldest(bytes: number): { items: number; bytes: number } {
    return this.#deleteOldest(bytes);
  }

  newestId(): number {
    return this.#statements.newestId.get() as number;
  }

  nextSeq(): number {
    return this.#statements.getState.get("next_seq") as number;
  }

  setNextSeq(seq: number): void {
    this.#statements.setState.run(seq, "next_seq");
  }

  counts(): Counts {
    const read = (key: string) => (this.#statements.getState.get(key) as number | undefined) ?? 0;
    const dropped = Object.fromEntries(
      DROP_REASONS.map((reason) => [reason, read(DROPPED_KEY[reason])]),
    ) as Record<DropReason, number>;
    return { dropped, corruptFiles: read(CORRUPT_FILES_KEY) };
  }

  setCounts(counts: Counts): void {
    this.#setCounts(counts);
  }

  close(): void {
    this.db.close();
  }
}
