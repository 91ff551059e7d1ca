// The agent's outbox: every result is written here (SQLite, WAL) before anything is sent, and leaves
// only when the collector acknowledges the batch that carried it. One implementation serves both a
// file on disk and ":memory:", so both behave exactly alike.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../shared/errors.js";
import type { CheckResult, Inventory, Sample } from "../shared/protocol.js";
import { decodeRow, encodeRow, type Fragments } from "./outbox/codec.js";

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

/**
 * Layout of the outbox file, in PRAGMA user_version: raised whenever the file may hold what an
 * older agent cannot read (a new table layout, or rows in a new format), so that agent refuses it.
 */
const OUTBOX_VERSION = 1;

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

interface Held {
  results: string[];
  samples: string[];
  inventory: string[];
  /** The entries themselves, kept only for onWritten. */
  entries: Entry[];
  size: number;
  items: number;
}

function emptyHeld(): Held {
  return { results: [], samples: [], inventory: [], entries: [], size: 0, items: 0 };
}

/** The items of a JSON array, comma-separated, without the brackets ("" for none). */
function listText(items: readonly unknown[]): string {
  return items.length === 0 ? "" : JSON.stringify(items).slice(1, -1);
}

/** Why samples were dropped unsent: the `reason` of giamsat_agent_buffer_dropped_samples_total. */
export const DROP_REASONS = ["full", "too_big", "refused", "not_finite"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * Where each count is kept in the state table. "dropped" is the first release's key, which counted
 * every drop; nearly all of them were for a full outbox.
 */
const DROPPED_KEY: Record<DropReason, string> = {
  full: "dropped",
  too_big: "dropped_too_big",
  refused: "dropped_refused",
  not_finite: "dropped_not_finite",
};

/**
 * The entry without its samples whose value is NaN or infinite (the entry itself when there are
 * none): JSON has no such numbers, so they would reach the collector as null and it would refuse
 * the whole batch.
 */
function withFiniteValues(entry: Entry): Entry {
  if (entry.samples.every((sample) => Number.isFinite(sample.value))) return entry;
  return { ...entry, samples: entry.samples.filter((sample) => Number.isFinite(sample.value)) };
}

/** Each result is stored by the collector as two samples: giamsat_check_up and _duration_seconds. */
export function sampleCount(entry: Entry): number {
  return entry.results.length * 2 + entry.samples.length;
}

/** SQLite's own bytes per row beyond the body (record header, b-tree cell, index entry), measured. */
const ROW_OVERHEAD = 24;

interface Row {
  id: number;
  items: number;
  /** Bytes the row takes on disk (compressed body plus overhead): what the cap counts. */
  bytes: number;
  /** Length of its JSON once unpacked: what a batch's size counts. */
  size: number;
  /** Row format of the body (codec.ts). */
  format: number;
  body: Buffer;
}

/** The fragments of several rows joined, ready for one batch. */
interface Joined {
  items: number;
  results: string;
  samples: string;
  inventory: string;
}

/** The unpacked fragments of the row written last, so sending it does not inflate it again. */
interface Recent {
  id: number;
  fragments: Fragments;
}

function join(rows: readonly Row[], recent: Recent | undefined): Joined {
  const results: string[] = [];
  const samples: string[] = [];
  const inventory: string[] = [];
  let items = 0;
  for (const row of rows) {
    const fragments = row.id === recent?.id ? recent.fragments : decodeRow(row.format, row.body);
    if (fragments.results) results.push(fragments.results);
    if (fragments.samples) samples.push(fragments.samples);
    if (fragments.inventory) inventory.push(fragments.inventory);
    items += row.items;
  }
  return {
    items,
    results: results.join(","),
    samples: samples.join(","),
    inventory: inventory.join(","),
  };
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
  readonly #dropped: Record<DropReason, number>;
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
  readonly #writeDelay: number;
  readonly #onWritten: ((entry: Entry) => void) | undefined;
  /** Appended, not yet written: JSON fragments of whole entries. */
  #held = emptyHeld();
  #flushTimer: NodeJS.Timeout | undefined;
  #recent: Recent | undefined;

  constructor(options: OutboxOptions) {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path);
    this.#db.pragma("journal_mode = WAL");
    // NORMAL survives a crash of the agent process; only an OS crash may lose the last appends.
    this.#db.pragma("synchronous = NORMAL");
    const version = this.#db.pragma("user_version", { simple: true }) as number;
    if (version > OUTBOX_VERSION) {
      this.#db.close();
      throw new ConfigError(
        `buffer.path: ${options.path} was written by a newer giamsat agent (layout ${version}); upgrade the agent or move the file away`,
      );
    }
    this.#db.exec(`
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
      INSERT OR IGNORE INTO state VALUES ('next_seq', 1), ${DROP_REASONS.map((reason) => `('${DROPPED_KEY[reason]}', 0)`).join(", ")};
      PRAGMA user_version = ${OUTBOX_VERSION};
    `);
    // Files of the first release have no format column: all of their rows are format 1.
    const columns = this.#db.pragma("table_info(entries)") as { name: string }[];
    if (!columns.some((column) => column.name === "format")) {
      this.#db.exec("ALTER TABLE entries ADD COLUMN format INTEGER NOT NULL DEFAULT 1");
    }
    this.#maxBytes = options.maxBytes;
    this.#batchBytes = options.batchBytes ?? 512 * 1024;
    this.#rate = options.backfillPerSecond ?? 2000;
    this.#now = options.now ?? Date.now;
    this.#writeDelay = options.writeDelayMs ?? 0;
    this.#onWritten = options.onWritten;
    const db = this.#db;
    this.#statements = {
      insert: db.prepare(
        "INSERT INTO entries (items, bytes, size, format, body) VALUES (?, ?, ?, ?, ?)",
      ),
      numberedSeqs: db
        .prepare("SELECT DISTINCT seq FROM entries WHERE seq IS NOT NULL ORDER BY seq")
        .pluck(),
      numbered: db.prepare(
        "SELECT id, items, bytes, size, format, body FROM entries WHERE seq = ? ORDER BY id",
      ),
      unnumbered: db.prepare(
        "SELECT id, items, bytes, size, format, body FROM entries WHERE seq IS NULL AND id > ? AND id <= ? ORDER BY id LIMIT 1000",
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
    const stored = (reason: DropReason) =>
      this.#statements.getState.get(DROPPED_KEY[reason]) as number;
    this.#dropped = { full: 0, too_big: 0, refused: 0, not_finite: 0 };
    for (const reason of DROP_REASONS) this.#dropped[reason] = stored(reason);
    this.#nextSeq = this.#statements.getState.get("next_seq") as number;
    this.#tokens = this.#rate;
    this.#tokensAt = this.#now();
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
    const results = listText(entry.results);
    const samples = listText(entry.samples);
    const inventory = listText(entry.inventory);
    const size = results.length + samples.length + inventory.length;
    const items = sampleCount(entry);
    if (size > this.#batchBytes) {
      // It could never be sent (the collector caps frames); count it as dropped rather than block.
      this.#drop("too_big", items);
      return;
    }
    // A row holds at most a batch, so it can always be sent, and a twentieth of the cap, so
    // trimming to 95% of it drops old rows, never the one just written.
    if (this.#held.size + size > Math.min(this.#batchBytes, this.#maxBytes / 20)) this.flush();
    const held = this.#held;
    if (results) held.results.push(results);
    if (samples) held.samples.push(samples);
    if (inventory) held.inventory.push(inventory);
    if (this.#onWritten) held.entries.push(entry);
    held.size += size;
    held.items += items;
    this.#items += items;
    if (this.#writeDelay <= 0) this.flush();
    else this.#flushTimer ??= setTimeout(() => this.flush(), this.#writeDelay);
    this.#listener?.();
  }

  /** Writes what append() holds as one row: one compression and one transaction for all of it. */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const held = this.#held;
    if (held.items === 0 && held.size === 0) return;
    this.#held = emptyHeld();
    const fragments: Fragments = {
      results: held.results.join(","),
      samples: held.samples.join(","),
      inventory: held.inventory.join(","),
    };
    const { format, body } = encodeRow(fragments);
    const bytes = body.length + ROW_OVERHEAD;
    const size = fragments.results.length + fragments.samples.length + fragments.inventory.length;
    const { lastInsertRowid } = this.#statements.insert.run(held.items, bytes, size, format, body);
    this.#recent = { id: Number(lastInsertRowid), fragments };
    this.#bytes += bytes;
    if (this.#bytes > this.#maxBytes) this.#trim();
    for (const entry of held.entries) this.#onWritten?.(entry);
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
        this.#drop("full", items);
      }
    })();
  }

  #drop(reason: DropReason, items: number): void {
    this.#dropped[reason] += items;
    this.#statements.setState.run(this.#dropped[reason], DROPPED_KEY[reason]);
  }

  /**
   * The next batch to send. First batches numbered before and not yet sent on this connection
   * (same seq, same content); then new ones, alternating between live data and the backlog so
   * neither starves. The backlog drains at most `backfillPerSecond`.
   */
  take(): PendingBatch | undefined {
    this.flush();
    for (const seq of this.#statements.numberedSeqs.all() as number[]) {
      if (this.#sent.has(seq)) continue;
      this.#sent.add(seq);
      const rows = this.#statements.numbered.all(seq) as Row[];
      const newest = rows[rows.length - 1]?.id ?? 0;
      return this.#pending(seq, this.#join(rows), newest <= this.#backlogUpTo);
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
    let size = 0;
    let items = 0;
    for (const row of this.#statements.unnumbered.iterate(after, upTo) as Iterable<Row>) {
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
    return this.#pending(seq, this.#join(rows), backlog);
  }

  /** The rows' entries; the newest row's come from memory once, then that copy is let go. */
  #join(rows: readonly Row[]): Joined {
    const joined = join(rows, this.#recent);
    if (rows.some((row) => row.id === this.#recent?.id)) this.#recent = undefined;
    return joined;
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

  #pending(seq: number, joined: Joined, backlog: boolean): PendingBatch {
    return {
      seq,
      results: `[${joined.results}]`,
      samples: `[${joined.samples}]`,
      inventory: joined.inventory ? `[${joined.inventory}]` : undefined,
      count: joined.items,
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
    this.flush();
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

  /**
   * A batch the collector refused as invalid will never be accepted: it is dropped and counted.
   * Returns the samples dropped.
   */
  reject(seq: number): number {
    const items = (this.#statements.ack.all(seq) as { items: number; bytes: number }[]).reduce(
      (sum, row) => {
        this.#bytes -= row.bytes;
        this.#items -= row.items;
        return sum + row.items;
      },
      0,
    );
    this.#sent.delete(seq);
    if (items > 0) this.#drop("refused", items);
    return items;
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
    this.#db.close();
  }
}
