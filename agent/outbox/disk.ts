// Whether the buffer's disk takes writes. A full disk (or one failing, or remounted read-only) is an
// ordinary fault of a unit's PC, not a crash: the outbox keeps results in memory meanwhile and tries
// the disk again every few seconds. This says so loudly, with the file and the space left.
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import { errorMessage } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";

/** How often a disk that refused writes is tried again. */
export const DISK_RETRY_MS = 5000;
/** How often the log says again that the disk still refuses writes. */
const REMINDER_MS = 60_000;

/** SQLite's and the system's words for a disk that takes no writes now, but may later. */
const DISK_FAILURES =
  /^(?:SQLITE_(?:FULL|IOERR|READONLY|CANTOPEN|PERM)|ENOSPC|EDQUOT|EROFS|EIO|EACCES|EPERM)/;

export function isDiskFailure(error: unknown): boolean {
  return DISK_FAILURES.test(String((error as { code?: unknown } | null)?.code ?? ""));
}

/** Bytes free to this user on the file's filesystem, or undefined when that cannot be told. */
export function freeBytes(path: string): number | undefined {
  try {
    const stats = statfsSync(dirname(path));
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

export interface DiskTrouble {
  since: number;
  error: string;
  /** Bytes free when last looked at. */
  freeBytes: number | undefined;
}

/** The state of the buffer's disk, and the log lines that go with it. */
export class DiskHealth {
  #trouble: DiskTrouble | undefined;
  #reminded = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly memoryCapBytes: number,
  ) {}

  get trouble(): DiskTrouble | undefined {
    return this.#trouble;
  }

  /** A write failed: the first time, the log says what happened, which file, and what to do. */
  failed(error: unknown, now: number): void {
    const free = freeBytes(this.path);
    if (this.#trouble) {
      this.#trouble.freeBytes = free;
      return;
    }
    this.#trouble = { since: now, error: errorMessage(error), freeBytes: free };
    this.#reminded = now;
    this.log.error(
      {
        file: this.path,
        err: errorMessage(error),
        freeBytes: free,
        memoryMegabytes: this.memoryCapBytes / 2 ** 20,
      },
      this.#words(free),
    );
  }

  /** Still failing at a retry: said again once a minute, with what is held and dropped. */
  stillFailing(error: unknown, now: number, held: { samples: number; dropped: number }): void {
    const free = freeBytes(this.path);
    if (this.#trouble) {
      this.#trouble.freeBytes = free;
      this.#trouble.error = errorMessage(error);
    }
    if (now - this.#reminded < REMINDER_MS) return;
    this.#reminded = now;
    this.log.error(
      {
        file: this.path,
        err: errorMessage(error),
        freeBytes: free,
        heldSamples: held.samples,
        droppedSamples: held.dropped,
      },
      this.#words(free),
    );
  }

  /** Writes work again. */
  recovered(movedSamples: number, now: number): void {
    if (!this.#trouble) return;
    this.log.info(
      {
        file: this.path,
        freeBytes: freeBytes(this.path),
        downForMs: now - this.#trouble.since,
        movedSamples,
      },
      "the buffer's disk takes writes again: what was held in memory is now in the file",
    );
    this.#trouble = undefined;
  }

  #words(free: number | undefined): string {
    return diskFullMessage(this.path, free);
  }
}

/** What the log says while the buffer file cannot be written. */
export function diskFullMessage(path: string, free: number | undefined): string {
  const space = free === undefined ? "" : ` (${formatBytes(free)} free)`;
  return `the buffer file ${path} cannot be written${space}: results are kept in memory (up to buffer.memoryMegabytes, then the oldest are dropped and counted) and sent from there; free space on that disk, and the agent writes them to the file by itself`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
