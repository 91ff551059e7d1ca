// Opening the buffer file: one agent per file (an exclusive lock held for the process's life), a file
// found corrupt at start moved aside with what can be read of it salvaged into a fresh one, and a
// file written by a newer agent refused.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import { createPrivate } from "../../shared/private-file.js";
import { lockedMessage, readHolder, removeHolder, writeHolder } from "./holder.js";
import { type Counts, LAYOUT_VERSION, prepareSchema, SqliteRows } from "./rows.js";
import { NOTHING_SALVAGED, readWhatIsLeft, restore, type Salvage } from "./salvage.js";

/** The refusal of a file whose layout is newer than this agent reads. */
export function newerLayoutMessage(path: string, version: number): string {
  return `buffer.path: ${path} was written by a newer giamsat agent (layout ${version}); upgrade the agent or move the file away`;
}

/** A corrupt file found at start: where it went, and what was salvaged and lost. */
export interface Corruption {
  movedTo: string;
  salvagedSamples: number;
  /** Samples that could not be read back; undefined when that cannot be told. */
  lostSamples: number | undefined;
  /** The counts of the fresh file, the loss included. */
  counts: Counts;
}

export interface OpenedFile {
  rows: SqliteRows;
  corruption?: Corruption;
  close(): void;
}

/** SQLite's words for a file that is damaged or not a database at all. */
function isCorruption(error: unknown): boolean {
  const code = String((error as { code?: unknown }).code);
  return code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB";
}

/**
 * Opens `path` locked for this process. SQLite's exclusive locking mode holds the file's lock from
 * the first transaction until the connection closes, on every platform (fcntl, LockFileEx), and the
 * system releases it when the process dies; the holder file beside it only says who holds it.
 */
function openLocked(path: string): Database.Database {
  // For the agent's user alone: it holds everything the agent measured.
  createPrivate(path);
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    // NORMAL survives a crash of the agent process; only an OS crash may lose the last appends.
    db.pragma("synchronous = NORMAL");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === "SQLITE_BUSY") {
      throw new ConfigError(lockedMessage(path, readHolder(path)), { cause: error });
    }
    throw error;
  }
}

/** Whether SQLite's quick_check finds the file sound (it reads every page, without index checks). */
function isSound(db: Database.Database): boolean {
  try {
    const rows = db.pragma("quick_check") as { quick_check: string }[];
    return rows.length === 1 && rows[0]?.quick_check === "ok";
  } catch (error) {
    if (isCorruption(error)) return false;
    throw error;
  }
}

/** Moves the file and its WAL aside as `path.corrupt-20261207T101500Z`; returns the new name. */
function moveAside(path: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const target = `${path}.corrupt-${stamp}`;
  renameSync(path, target);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

function opened(path: string, db: Database.Database, corruption?: Corruption): OpenedFile {
  prepareSchema(db);
  const rows = new SqliteRows(db);
  if (path === ":memory:") return { rows, close: () => rows.close() };
  writeHolder(path);
  return {
    rows,
    corruption,
    close() {
      rows.close();
      removeHolder(path);
    },
  };
}

/**
 * Opens the buffer file (or an in-memory database for ":memory:"). A corrupt file is moved aside,
 * what can be read of it goes into a fresh file, and the loss is counted there and logged loudly.
 */
export function openBufferFile(path: string, log: Logger, now = new Date()): OpenedFile {
  if (path === ":memory:") return opened(path, new Database(path));
  mkdirSync(dirname(path), { recursive: true });
  const existed = existsSync(path);
  let salvage: Salvage | undefined;
  let db: Database.Database | undefined;
  try {
    db = openLocked(path);
    if (existed && !isSound(db)) salvage = readWhatIsLeft(db);
  } catch (error) {
    if (!isCorruption(error)) throw error;
    // Not even readable as a database: nothing can be salvaged from it.
    db = undefined;
    salvage = NOTHING_SALVAGED;
  }
  if (salvage) {
    db?.close();
    const movedTo = moveAside(path, now);
    const fresh = openLocked(path);
    prepareSchema(fresh);
    const counts = restore(new SqliteRows(fresh), salvage);
    const corruption = {
      movedTo,
      salvagedSamples: salvage.salvagedSamples,
      lostSamples: salvage.lost,
      counts,
    };
    log.error(
      { file: path, ...corruption, counts: undefined, lostSamples: salvage.lost ?? "unknown" },
      "the buffer file was corrupt: it was moved aside and a new one started with what could be read of it; what could not be read is lost and counted (giamsat_agent_buffer_dropped_samples_total, reason corrupt)",
    );
    return opened(path, fresh, corruption);
  }
  if (!db) throw new Error("the buffer file was not opened");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > LAYOUT_VERSION) {
    db.close();
    throw new ConfigError(newerLayoutMessage(path, version));
  }
  return opened(path, db);
}
