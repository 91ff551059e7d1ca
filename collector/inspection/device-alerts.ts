// What a unit's printers, UPSes and LAN say for its inspection summary: the time its UPSes ran on
// battery in the period (the mains were out), the printer supplies below a tenth at the period's end
// (or now), both read from the rollups, and the devices discovery saw appear and go in the period.
import { METRICS } from "../../shared/metrics.js";
import type { Finding } from "./findings.js";
import type { History } from "./history.js";
import { lanDeviceChanges } from "./lan-devices.js";

const HOUR = 3_600_000;
const FIVE_MINUTES = 300_000;
/** A supply below this share of its capacity is a finding: toner, drum or ink to order now. */
export const SUPPLY_LOW_RATIO = 0.1;

/** Findings `ups_on_battery`, `supply_low` and `lan_devices` of `unit` between `from` and `until`. */
export function deviceFindings(
  history: History,
  unit: string,
  from: number,
  until: number,
  now: number,
): Finding[] {
  if (until <= from) return [];
  const fine = from >= now - history.options.retention.fiveMinute;
  const size = fine ? FIVE_MINUTES : HOUR;
  const means = (ids: number[]) =>
    history.rollupReader.means(
      fine ? "5m" : "1h",
      JSON.stringify(ids),
      Math.floor(from / size),
      Math.ceil(until / size),
    );
  const findings: Finding[] = [];

  const ups = history.catalog.unitMetric(unit, METRICS.upsOnBattery.name);
  if (ups.length > 0) {
    const onBattery = new Map<string, number>();
    for (const [id, , mean] of means(ups.map((s) => s.id))) {
      if (mean <= 0) continue;
      const check = ups.find((s) => s.id === id)?.labels.check ?? "";
      // A bucket's mean is the share of its samples on battery: that share of the bucket.
      onBattery.set(check, (onBattery.get(check) ?? 0) + mean * size);
    }
    if (onBattery.size > 0) {
      findings.push({
        code: "ups_on_battery",
        severity: "warning",
        params: {
          checks: [...onBattery.keys()].sort().join(", "),
          onBatteryMs: Math.round([...onBattery.values()].reduce((a, b) => a + b, 0)),
        },
      });
    }
  }

  const supplies = history.catalog.unitMetric(unit, METRICS.printerSupplyLevel.name);
  if (supplies.length > 0) {
    const last = new Map<number, { bucket: number; mean: number }>();
    for (const [id, bucket, mean] of means(supplies.map((s) => s.id))) {
      const seen = last.get(id);
      if (!seen || bucket > seen.bucket) last.set(id, { bucket, mean });
    }
    const low = supplies
      .filter((s) => (last.get(s.id)?.mean ?? 1) < SUPPLY_LOW_RATIO)
      .map((s) => ({
        text: `${s.labels.check ?? ""}: ${s.labels.supply ?? ""} ${Math.round((last.get(s.id)?.mean ?? 0) * 100)}%`,
      }))
      .map((s) => s.text)
      .sort();
    if (low.length > 0) {
      findings.push({
        code: "supply_low",
        severity: "warning",
        params: { supplies: low.join("; "), count: low.length, below: SUPPLY_LOW_RATIO },
      });
    }
  }
  // What discovery runs saw come and go on the unit's LAN in the period (ignored devices left out).
  const lan = lanDeviceChanges(history.db, unit, from, until);
  if (lan.appeared > 0 || lan.gone > 0) {
    findings.push({ code: "lan_devices", severity: "info", params: { ...lan } });
  }
  return findings;
}
