// Certificates near their end: the newest giamsat_tls_certificate_expiry_timestamp_seconds of each
// certificate check is compared with the thresholds (30, 14, 7 and 1 days by default), and each
// threshold crossed is announced once; a renewed certificate (a later notAfter, past every
// threshold) ends the problem.
import { METRICS } from "../../../shared/metrics.js";
import type { History } from "../../inspection/history.js";
import type { Conditions } from "../conditions.js";

const DAY = 86_400_000;
/** An expiry older than this was not seen lately (the check was removed): left as it is. */
const STALE_MS = 2 * DAY;

export class CertificateWatch {
  readonly #thresholds: number[];

  constructor(
    private readonly history: History,
    private readonly conditions: Conditions,
    private readonly units: () => readonly string[],
    thresholds: readonly number[],
  ) {
    this.#thresholds = [...new Set(thresholds)].sort((a, b) => a - b);
  }

  /** The smallest threshold (days) the time left is under, or undefined. */
  level(msLeft: number): number | undefined {
    return this.#thresholds.find((days) => msLeft < days * DAY);
  }

  step(now: number): void {
    const open = this.conditions.open("certificate");
    this.history.catalog.refresh();
    for (const unit of this.units()) {
      for (const series of this.history.catalog.unitMetric(unit, METRICS.tlsExpiry.name)) {
        const last = this.history.samples.last(series.id);
        if (!last || now - last.ts > STALE_MS) continue;
        const notAfter = last.value * 1000;
        const id = `certificate:${series.id}`;
        const current = open.get(id);
        const level = this.level(notAfter - now);
        const renewed = current !== undefined && current.detail.notAfter !== notAfter;
        if (current && (level === undefined || renewed)) {
          this.conditions.resolve(current, "certificate", now);
        }
        if (level === undefined) continue;
        const threshold = renewed ? undefined : current?.detail.threshold;
        if (threshold !== undefined && threshold <= level) continue;
        this.conditions.raise(
          id,
          {
            unit,
            subject: "certificate",
            severity: level <= 1 ? "critical" : "warning",
            detail: {
              category: series.labels.category ?? null,
              check: series.labels.check ?? null,
              agentId: series.agentId,
              notAfter,
              threshold: level,
              since: current && !renewed ? current.openedAt : now,
            },
          },
          now,
          renewed ? undefined : current,
        );
      }
    }
  }
}
