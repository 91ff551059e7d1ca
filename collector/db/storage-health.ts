// Whether the collector can store what agents send: the outcome of its last write of batches and
// the space left on the database's filesystem against health.minFreeMegabytes. /healthz answers
// 503 naming each problem; /metrics carries the free space and the failed writes.
import { statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Counter, Gauge } from "prom-client";
import { errorMessage } from "../../shared/errors.js";

const MiB = 1024 * 1024;

export interface StorageMetrics {
  filesystemAvail: Gauge;
  failedWrites: Counter;
}

export class StorageHealth {
  #lastFailure: { at: number; message: string } | undefined;
  readonly #folder: string | undefined;

  constructor(
    database: string,
    private readonly minFreeBytes: number,
    private readonly metrics: StorageMetrics,
  ) {
    this.#folder = database === ":memory:" ? undefined : dirname(resolve(database));
  }

  /** A write of batches ended: `failed` of them could not be stored, with `error`. */
  wrote(failed: number, error: unknown, now: number): void {
    if (failed === 0) {
      this.#lastFailure = undefined;
      return;
    }
    this.metrics.failedWrites.inc(failed);
    this.#lastFailure = { at: now, message: errorMessage(error) };
  }

  /** Bytes the collector may still use where its database is; undefined when unknown. */
  availableBytes(): number | undefined {
    if (this.#folder === undefined) return undefined;
    try {
      const stats = statfsSync(this.#folder);
      const available = stats.bavail * stats.bsize;
      this.metrics.filesystemAvail.set(available);
      return available;
    } catch {
      return undefined;
    }
  }

  /** What keeps the collector from storing, one sentence each; empty while it can. */
  problems(): string[] {
    const out: string[] = [];
    const available = this.availableBytes();
    if (available !== undefined && available < this.minFreeBytes) {
      out.push(
        `${(available / MiB).toFixed(1)} MiB free on the database's filesystem, under health.minFreeMegabytes (${this.minFreeBytes / MiB} MiB)`,
      );
    }
    if (this.#lastFailure) {
      const { at, message } = this.#lastFailure;
      out.push(`the last write failed at ${new Date(at).toISOString()}: ${message}`);
    }
    return out;
  }
}
