// Opens the collector's SQLite file (WAL) and brings its schema up to date.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../../shared/errors.js";
import { createPrivate } from "../../shared/private-file.js";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";

export type Db = Database.Database;

/** Opens the database; `readonly` (for export and reports) neither creates nor migrates it. */
export function openDatabase(path: string, options: { readonly?: boolean } = {}): Db {
  const readonly = options.readonly ?? false;
  if (path !== ":memory:" && !readonly) {
    mkdirSync(dirname(path), { recursive: true });
    // Password and session hashes are in it: its owner's alone (and so its -wal and -shm).
    createPrivate(path);
  }
  let db: Db;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw new ConfigError(`database ${path}: cannot open (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (readonly) {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version !== SCHEMA_VERSION) {
      db.close();
      throw new ConfigError(
        `database ${path}: schema ${version}, this giamsat reads ${SCHEMA_VERSION}; run \`serve\` once with this version first`,
      );
    }
    return db;
  }
  // First, so that the pragmas below wait for a command running at the same time (enroll, revoke).
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  // 64 MiB of page cache (SQLite's default is 2 MiB): the newest head pages of every agent and
  // the rollup pages that rollups and the API touch stay in memory instead of in system calls.
  db.pragma("cache_size = -65536");
  migrate(db, path);
  return db;
}

function migrate(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new ConfigError(
      `database ${path}: written by a newer giamsat (schema ${version}, this version knows up to ${SCHEMA_VERSION}); upgrade giamsat or use a backup`,
    );
  }
  for (let next = version; next < SCHEMA_VERSION; next++) {
    db.transaction(() => {
      const step = MIGRATIONS[next];
      if (typeof step === "function") step(db);
      else db.exec(step as string);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}
