// Files that hold secrets (the collector's database: password and session hashes; an agent's
// buffer: everything it measured) are created for their owner alone, whatever the umask would
// allow, and one that exists already open to others is named at start so it can be fixed.
import { closeSync, openSync, statSync } from "node:fs";

/**
 * Creates `path` empty with mode 0600 unless it exists. SQLite then gives the database's -wal and
 * -shm files the mode of the database file (https://www.sqlite.org/src/file/src/os_unix.c,
 * findCreateFileMode), so they are private too.
 */
export function createPrivate(path: string): void {
  try {
    closeSync(openSync(path, "wx", 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/** Those of `paths` that exist and that users other than the owner may read or write. */
export function openToOthers(paths: readonly string[]): { file: string; mode: string }[] {
  const out: { file: string; mode: string }[] = [];
  for (const file of paths) {
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) out.push({ file, mode: mode.toString(8).padStart(4, "0") });
  }
  return out;
}

/** A SQLite database and the files SQLite keeps beside it in WAL mode. */
export function sqliteFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}
