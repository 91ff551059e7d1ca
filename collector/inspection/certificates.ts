// The certificates a unit's TLS checks saw, as last seen before the end of a period: when they
// expire and whether that is soon (findings.ts's CERTIFICATE_WARNING_DAYS).
import { METRICS } from "../../shared/metrics.js";
import { DAY } from "../tsdb/index.js";
import { CERTIFICATE_WARNING_DAYS } from "./findings.js";
import type { History } from "./history.js";

export interface Certificate {
  agent: string;
  check: string;
  title: string | null;
  category: string;
  /** notAfter, ms since the epoch. */
  notAfter: number;
  /** Whole days from the end of the period (or now) to notAfter; negative once expired. */
  daysLeft: number;
  state: "ok" | "expiring" | "expired";
}

export function certificatesOf(
  history: History,
  unit: string,
  from: number,
  until: number,
  title: (unit: string, agent: string, check: string) => string | null,
): Certificate[] {
  const certificates: Certificate[] = [];
  for (const series of history.catalog.unitMetric(unit, METRICS.tlsExpiry.name)) {
    // The certificate as last seen before the end of the period.
    const last = history.samples.lastBefore(series.id, from, until)?.value;
    if (last === undefined) continue;
    const notAfter = last * 1000;
    const daysLeft = Math.floor((notAfter - until) / DAY);
    certificates.push({
      agent: series.agent,
      check: series.labels.check ?? "",
      title: title(unit, series.agent, series.labels.check ?? ""),
      category: series.labels.category ?? "",
      notAfter,
      daysLeft,
      state:
        notAfter <= until ? "expired" : daysLeft < CERTIFICATE_WARNING_DAYS ? "expiring" : "ok",
    });
  }

  return certificates;
}
