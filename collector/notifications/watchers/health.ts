// The collector's own health: the database's disk almost full, and remote_write dropping or
// losing samples. Problems of the collector have no unit: routes without `units` (or the default
// routes) carry them to the operators.
import { statfsSync } from "node:fs";
import { dirname } from "node:path";
import type { CollectorMetrics } from "../../prometheus/self-metrics.js";
import type { Conditions } from "../conditions.js";

/** No drop for this long ends a remote_write problem. */
const QUIET_MS = 30 * 60_000;
/** The disk problem ends once the free share is this much above the threshold (no flapping). */
const HYSTERESIS = 1.2;

export class HealthWatch {
  /** Dropped and refused samples per endpoint at the last look, and when they last grew. */
  readonly #seen = new Map<string, { count: number; grewAt: number }>();

  constructor(
    private readonly database: string,
    private readonly metrics: CollectorMetrics,
    private readonly conditions: Conditions,
    private readonly diskFreeRatio: number,
  ) {}

  async step(now: number): Promise<void> {
    this.#disk(now);
    await this.#remoteWrite(now);
  }

  #disk(now: number): void {
    if (this.database === ":memory:" || this.diskFreeRatio === 0) return;
    let free: number;
    try {
      const stats = statfsSync(dirname(this.database));
      free = stats.blocks > 0 ? stats.bavail / stats.blocks : 1;
    } catch {
      return; // the size is informative only
    }
    const current = this.conditions.open("disk").get("disk");
    if (!current && free < this.diskFreeRatio) {
      this.conditions.raise(
        "disk",
        {
          unit: null,
          subject: "disk",
          severity: "critical",
          detail: { freeRatio: free, since: now },
        },
        now,
      );
    } else if (current && free > this.diskFreeRatio * HYSTERESIS) {
      this.conditions.resolve(current, "disk", now);
    }
  }

  async #remoteWrite(now: number): Promise<void> {
    const counts = new Map<string, number>();
    for (const counter of [this.metrics.remoteWriteDropped, this.metrics.remoteWriteFailed]) {
      for (const { labels, value } of (await counter.get()).values) {
        const endpoint = String(labels.endpoint ?? "");
        counts.set(endpoint, (counts.get(endpoint) ?? 0) + value);
      }
    }
    const open = this.conditions.open("remote_write");
    for (const [endpoint, count] of counts) {
      const seen = this.#seen.get(endpoint);
      const grew = seen !== undefined && count > seen.count;
      this.#seen.set(endpoint, { count, grewAt: grew ? now : (seen?.grewAt ?? 0) });
      const id = `remote_write:${endpoint}`;
      const current = open.get(id);
      if (!current && grew) {
        this.conditions.raise(
          id,
          {
            unit: null,
            subject: "remote_write",
            severity: "critical",
            detail: { endpoint, dropped: count - (seen?.count ?? 0), since: now },
          },
          now,
        );
      } else if (current && now - (this.#seen.get(endpoint)?.grewAt ?? 0) > QUIET_MS) {
        this.conditions.resolve(current, "remote_write", now);
      }
    }
  }
}
