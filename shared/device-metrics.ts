// Part of the one metric table (metrics.ts spreads it in): what the printer and ups check kinds
// report, from HOST-RESOURCES-MIB (RFC 2790), Printer-MIB (RFC 3805) and UPS-MIB (RFC 1628).
import { agent, CHECK_LABELS } from "./metric-def.js";

export const DEVICE_METRICS = {
  printerDeviceStatus: agent(
    "giamsat_printer_device_status_code",
    "gauge",
    "hrDeviceStatus of the printer: 1 unknown, 2 running, 3 warning, 4 testing, 5 down.",
  ),
  printerStatus: agent(
    "giamsat_printer_status_code",
    "gauge",
    "hrPrinterStatus: 1 other, 2 unknown, 3 idle, 4 printing, 5 warmup.",
  ),
  printerSupplyLevel: agent(
    "giamsat_printer_supply_level_ratio",
    "gauge",
    "prtMarkerSuppliesLevel / prtMarkerSuppliesMaxCapacity, 0..1, per supply (toner, drum, ink); absent when the printer gives no number.",
    [...CHECK_LABELS, "supply", "index"],
  ),
  printerPages: agent(
    "giamsat_printer_pages_total",
    "counter",
    "prtMarkerLifeCount of a marker counting impressions or sheets: pages printed in the printer's life.",
    [...CHECK_LABELS, "marker"],
  ),
  upsOnBattery: agent(
    "giamsat_ups_on_battery",
    "gauge",
    "1 while upsOutputSource is battery (the mains are out), else 0.",
  ),
  upsOutputSource: agent(
    "giamsat_ups_output_source_code",
    "gauge",
    "upsOutputSource: 1 other, 2 none, 3 normal, 4 bypass, 5 battery, 6 booster, 7 reducer.",
  ),
  upsBatteryStatus: agent(
    "giamsat_ups_battery_status_code",
    "gauge",
    "upsBatteryStatus: 1 unknown, 2 normal, 3 low, 4 depleted.",
  ),
  upsBatteryCharge: agent(
    "giamsat_ups_battery_charge_ratio",
    "gauge",
    "upsEstimatedChargeRemaining, 0..1.",
  ),
  upsBatteryRuntime: agent(
    "giamsat_ups_battery_runtime_seconds",
    "gauge",
    "upsEstimatedMinutesRemaining: how long the battery would hold the load, in seconds.",
  ),
  upsOnBatterySeconds: agent(
    "giamsat_ups_on_battery_seconds",
    "gauge",
    "upsSecondsOnBattery: time since the UPS switched to its battery; 0 on mains.",
  ),
};
