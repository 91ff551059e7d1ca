// The agent's outbox: every result is written here (SQLite, WAL) before anything is sent, and leaves
// only when the collector acknowledges the batch that carried it. One implementation serves both a
// file on disk and ":memory:", so both behave exactly alike.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { CheckResult, Inventory, Sample } from "../shared/protocol.js";

/** What one check run (or the agent itself) hands to the outbox. */
export interface Entry {
  results: CheckResult[];
  samples: Sample[];
  inventory: Inventory[];
}

/**
 * A numbered batch, ready to send: the JSON text of its arrays, so nothing is parsed again.
 * Once numbered, its seq and content never change until it is acknowledged.
 */
export interface PendingBatch {
  seq: number;
  /** JSON array texts. */
  results: string;
  samples: string;
  inventory: string | undefined;
  /** Samples the collector will store from it (each result becomes two: up and duration). */
  count: number;
  /** True when it holds data older than the current connection. */
  backlog: boolean;
}

export interface OutboxOptions {
  /** SQLite file, or ":memory:". */
  path: string;
  maxBytes: number;
  /** Largest batch, in bytes of JSON; the collector refuses frames over 1 MiB. */
  batchBytes?: number;
  /** Backlog (data from before the current connection) drains at most this fast, samples/s. */
  backfillPerSecond?: number;
  now?: () => number;
}

/** Each result is stored by the collector as two samples: giamsat_check_up and _duration_seconds. */
export function sampleCount(entry: Entry): number {
  return entry.results.length * 2 + entry.samples.length;
}

/** SQLite's own bytes per row beyond the JSON (record header, b-tree cell, index entry), measured. */
const ROW_OVERHEAD = 40;

interface Row {
  id: number;
  items: number;
  bytes: number;
  results: string;
  samples: string;
  inventory: string | null;
}

export class Outbox {
  readonly #db: Database.Database;
  readonly #maxBytes: number;
  readonly #batchBytes: number;
  readonly #rate: number;
  readonly #now: () => number;
  readonly #statements;
  #bytes: number;
  #items: number;
  #dropped: number;
  #nextSeq: number;
  /** Entries with id up to this were written before the current connection: the backlog. */
  #backlogUpTo = 0;
  /** Numbered batches already sent on the current connection. */
  #sent = new Set<number>();
  #preferBacklog = false;
  #tokens: number;
  #tokensAt: number;
  #listener: (() => void) | undefined;
  #wake: NodeJS.Timeout | undefined;

  constructor(options: OutboxOptions) {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path);
    this.#db.pragma("journal_mode = WAL");
    // NORMAL survives a crash of the agent process; only an OS crash may lose the last appends.
    this.#db.pragma("synchronous = NORMAL");
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        items INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        results TEXT NOT NULL,
        samples TEXT NOT NULL,
        inventory TEXT,
        seq INTEGER
      );
      CREATE INDEX IF NOT EXISTS entries_seq ON entries(seq) WHERE seq IS NOT NULL;
      INSERT OR IGNORE INTO state VALUES ('next_seq', 1), ('dropped', 0);
    `);
    this.#maxBytes = options.maxBytes;
    this.#batchBytes = options.batchBytes ?? 512 * 1024;
    this.#rate = options.backfillPerSecond ?? 2000;
    this.#now = options.now ?? Date.now;
    const db = this.#db;
    this.#statements = {
      insert: db.prepare(
        "INSERT INTO entries (items, bytes, results, samples, inventory) VALUES (?, ?, ?, ?, ?)",
      ),
      // Entries without samples (tcp, http) hold "", which group_concat would join into "[,,]".
      numbered: db.prepare(
        "SELECT seq, sum(items) AS items, sum(bytes) AS bytes, max(id) AS maxId, group_concat(nullif(results, ''), ',') AS results, group_concat(nullif(samples, ''), ',') AS samples, group_concat(inventory, ',') AS inventory FROM (SELECT * FROM entries WHERE seq IS NOT NULL ORDER BY id) GROUP BY seq ORDER BY seq",
      ),
      unnumbered: db.prepare(
        "SELECT id, items, bytes, results, samples, inventory FROM entries WHERE seq IS NULL AND id > ? AND id <= ? ORDER BY id LIMIT 1000",
      ),
      number: db.prepare("UPDATE entries SET seq = ? WHERE id BETWEEN ? AND ? AND seq IS NULL"),
      ack: db.prepare("DELETE FROM entries WHERE seq = ? RETURNING items, bytes"),
      oldest: db.prepare(
        "SELECT id, items, bytes FROM entries WHERE seq IS NULL ORDER BY id LIMIT 200",
      ),
      deleteUpTo: db.prepare("DELETE FROM entries WHERE id <= ? AND seq IS NULL"),
      setState: db.prepare("UPDATE state SET value = ? WHERE key = ?"),
      getState: db.prepare("SELECT value FROM state WHERE key = ?").pluck(),
      totals: db.prepare(
        "SELECT coalesce(sum(bytes), 0) AS bytes, coalesce(sum(items), 0) AS items FROM entries",
      ),
    };
    const totals = this.#statements.totals.get() as { bytes: number; items: number };
    this.#bytes = totals.bytes;
    this.#items = totals.items;
    this.#dropped = this.#statements.getState.get("dropped") as number;
    this.#nextSeq = this.#statements.getState.get("next_seq") as number;
    this.#tokens = this.#rate;
    this.#tokensAt = this.#now();
  }

  /** Writes the entry durably; when over the size cap, the oldest entries are dropped and counted. */
  append(entry: Entry): void {
    const results = entry.results.map((r) => JSON.stringify(r)).join(",");
    const samples = entry.samples.map((s) => JSON.stringify(s)).join(",");
    const inventory = entry.inventory.length
      ? entry.inventory.map((i) => JSON.stringify(i)).join(",")
      : null;
    const bytes = results.length + samples.length + (inventory?.length ?? 0) + ROW_OVERHEAD;
    const items = sampleCount(entry);
    if (bytes > this.#batchBytes) {
      // It could never be sent (the collector caps frames); count it as dropped rather than block.
      this.#drop(items);
      return;
    }
    this.#statements.insert.run(items, bytes, results, samples, inventory);
    this.#bytes += bytes;
    this.#items += items;
    if (this.#bytes > this.#maxBytes) this.#trim();
    this.#listener?.();
  }

  /**
   * Drops the oldest entries until the outbox is 5% under its cap, so trimming is not per append.
   * Batches already numbered are kept: they may have reached the collector, and counting them as
   * dropped would be a lie; there are at most a few in flight.
   */
  #trim(): void {
    const target = this.#maxBytes * 0.95;
    this.#db.transaction(() => {
      while (this.#bytes > target) {
        const rows = this.#statements.oldest.all() as {
          id: number;
          items: number;
          bytes: number;
        }[];
        if (rows.length === 0) break;
        let upTo = 0;
        let items = 0;
        for (const row of rows) {
          if (this.#bytes <= target) break;
          upTo = row.id;
          items += row.items;
          this.#bytes -= row.bytes;
          this.#items -= row.items;
        }
        this.#statements.deleteUpTo.run(upTo);
        this.#drop(items);
      }
    })();
  }

  #drop(items: number): void {
    this.#dropped += items;
    this.#statements.setState.run(this.#dropped, "dropped");
  }

  /**
   * The next batch to send. First batches numbered before and not yet sent on this connection
   * (same seq, same content); then new ones, alternating between live data and the backlog so
   * neither starves. The backlog drains at most `backfillPerSecond`.
   */
  take(): PendingBatch | undefined {
    for (const row of this.#statements.numbered.iterate() as Iterable<
      Row & { seq: number; maxId: number }
    >) {
      if (this.#sent.has(row.seq)) continue;
      this.#sent.add(row.seq);
      return this.#pending(row.seq, row, row.maxId <= this.#backlogUpTo);
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
    let budget = Number.POSITIVE_INFINITY;
    if (backlog) {
      budget = this.#refill();
      if (budget < 1) return undefined;
    }
    const rows: Row[] = [];
    let bytes = 0;
    let items = 0;
    for (const row of this.#statements.unnumbered.iterate(after, upTo) as Iterable<Row>) {
      if (rows.length > 0 && (bytes + row.bytes > this.#batchBytes || items + row.items > budget))
        break;
      rows.push(row);
      bytes += row.bytes;
      items += row.items;
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    if (!first || !last) return undefined;
    if (backlog && items > budget) {
      // A single entry bigger than what is left this second: wait for the bucket instead.
      this.#wakeIn(((items - budget) / this.#rate) * 1000);
      return undefined;
    }
    if (backlog) this.#tokens -= items;
    const seq = this.#nextSeq++;
    this.#db.transaction(() => {
      this.#statements.number.run(seq, first.id, last.id);
      this.#statements.setState.run(this.#nextSeq, "next_seq");
    })();
    this.#sent.add(seq);
    const joined = {
      items,
      bytes,
      results: rows
        .map((r) => r.results)
        .filter(Boolean)
        .join(","),
      samples: rows
        .map((r) => r.samples)
        .filter(Boolean)
        .join(","),
      inventory:
        rows
          .map((r) => r.inventory)
          .filter(Boolean)
          .join(",") || null,
    };
    return this.#pending(seq, joined, backlog);
  }

  /** Backlog samples allowed now (token bucket of one second's worth); schedules a wake-up if none. */
  #refill(): number {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#rate,
      this.#tokens + ((now - this.#tokensAt) / 1000) * this.#rate,
    );
    this.#tokensAt = now;
    if (this.#tokens < 1) this.#wakeIn(((1 - this.#tokens) / this.#rate) * 1000);
    return this.#tokens;
  }

  #wakeIn(ms: number): void {
    if (this.#wake) return;
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#listener?.();
    }, Math.ceil(ms));
    this.#wake.unref();
  }

  #pending(
    seq: number,
    row: Pick<Row, "items" | "results" | "samples" | "inventory">,
    backlog: boolean,
  ): PendingBatch {
    return {
      seq,
      results: `[${row.results ?? ""}]`,
      samples: `[${row.samples ?? ""}]`,
      inventory: row.inventory ? `[${row.inventory}]` : undefined,
      count: row.items,
      backlog,
    };
  }

  /** The collector stored this batch: it is deleted. */
  ack(seq: number): void {
    this.#sent.delete(seq);
    for (const row of this.#statements.ack.all(seq) as { items: number; bytes: number }[]) {
      this.#bytes -= row.bytes;
      this.#items -= row.items;
    }
  }

  /**
   * A new connection: unacknowledged batches go out again, in seq order, and everything
   * written until now counts as backlog.
   */
  resume(): void {
    this.#sent.clear();
    this.#backlogUpTo =
      (this.#db.prepare("SELECT coalesce(max(id), 0) FROM entries").pluck().get() as number) ?? 0;
  }

  /** The collector has stored every seq up to lastSeq, so new batches are numbered above it. */
  raiseSeq(lastSeq: number): void {
    if (this.#nextSeq <= lastSeq) {
      this.#nextSeq = lastSeq + 1;
      this.#statements.setState.run(this.#nextSeq, "next_seq");
    }
  }

  /** A batch the collector refused as invalid will never be accepted: it is dropped and counted. */
  reject(seq: number): void {
    const items = (this.#statements.ack.all(seq) as { items: number; bytes: number }[]).reduce(
      (sum, row) => {
        this.#bytes -= row.bytes;
        this.#items -= row.items;
        return sum + row.items;
      },
      0,
    );
    this.#sent.delete(seq);
    if (items > 0) this.#drop(items);
  }

  /** Samples dropped because the outbox was full, since the outbox was created. */
  get droppedSamples(): number {
    return this.#dropped;
  }

  /** Samples waiting, sent or not, until acknowledged. */
  get size(): number {
    return this.#items;
  }

  /** Bytes of data held (JSON plus an estimate of SQLite's per-row overhead). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Called after every append (and when the backlog may flow again), so the link can send. */
  onReady(listener: () => void): void {
    this.#listener = listener;
  }

  close(): void {
    clearTimeout(this.#wake);
    this.#db.close();
  }
}
