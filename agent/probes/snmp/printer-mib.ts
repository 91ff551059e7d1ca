// Pure reading of a printer's answers for the printer probe: its status (HOST-RESOURCES-MIB,
// RFC 2790: hrDeviceStatus, hrPrinterStatus), its supplies (Printer-MIB, RFC 3805:
// prtMarkerSuppliesTable) and its page counter (prtMarkerTable). No I/O here.
import { numericValue, rows, textValue, type Varbind } from "./parse.js";

/** The columns read, each walked; rows are indexed by hrDeviceIndex (and the table's own index). */
export const PRINTER_COLUMNS = {
  /** hrDeviceStatus, indexed by hrDeviceIndex. */
  deviceStatus: "1.3.6.1.2.1.25.3.2.1.5",
  /** hrPrinterStatus, indexed by the hrDeviceIndex of each printer. */
  printerStatus: "1.3.6.1.2.1.25.3.5.1.1",
  /** prtMarkerSuppliesDescription, MaxCapacity, Level: hrDeviceIndex.prtMarkerSuppliesIndex. */
  supplyDescription: "1.3.6.1.2.1.43.11.1.1.6",
  supplyMaxCapacity: "1.3.6.1.2.1.43.11.1.1.8",
  supplyLevel: "1.3.6.1.2.1.43.11.1.1.9",
  /** prtMarkerCounterUnit and prtMarkerLifeCount: hrDeviceIndex.prtMarkerIndex. */
  markerCounterUnit: "1.3.6.1.2.1.43.10.2.1.3",
  markerLifeCount: "1.3.6.1.2.1.43.10.2.1.4",
} as const;
export type PrinterColumn = keyof typeof PRINTER_COLUMNS;
export type PrinterWalk = Partial<Record<PrinterColumn, readonly Varbind[]>>;

/** hrDeviceStatus (RFC 2790): the device as a whole. */
const DEVICE_STATUS = ["", "unknown", "running", "warning", "testing", "down"];
/** hrPrinterStatus (RFC 2790). */
const PRINTER_STATUS = ["", "other", "unknown", "idle", "printing", "warmup"];
/** prtMarkerCounterUnit values that count pages: impressions (7) and sheets (8) (RFC 3805). */
const PAGE_UNITS = new Set([7, 8]);

export interface Supply {
  /** hrDeviceIndex.prtMarkerSuppliesIndex. */
  index: string;
  /** prtMarkerSuppliesDescription, else "supply <index>". */
  description: string;
  /**
   * Level / MaxCapacity, 0..1; absent when either is unknown: RFC 3805 uses -1 (not restricted),
   * -2 (unknown) and -3 (some remains) instead of numbers.
   */
  ratio?: number;
}

export interface PrinterState {
  /** hrDeviceIndex of the printer, the first hrPrinterTable row. */
  device?: string;
  deviceStatus?: { code: number; name: string };
  printerStatus?: { code: number; name: string };
  supplies: Supply[];
  /** prtMarkerLifeCount of each marker that counts pages (impressions or sheets). */
  pages: { marker: string; count: number }[];
}

function named(code: number | undefined, names: readonly string[]) {
  if (code === undefined) return undefined;
  return { code, name: names[code] || `status ${code}` };
}

/** True when the device answered no printer object at all: not a printer, or no Printer-MIB. */
export function isPrinterless(state: PrinterState): boolean {
  return state.printerStatus === undefined && state.supplies.length === 0;
}

export function parsePrinter(walk: PrinterWalk): PrinterState {
  const col = (name: PrinterColumn) => rows(walk[name], PRINTER_COLUMNS[name]);
  const printers = col("printerStatus");
  const device = [...printers.keys()].sort((a, b) => Number(a) - Number(b))[0];
  const state: PrinterState = { supplies: [], pages: [] };
  if (device !== undefined) {
    state.device = device;
    state.printerStatus = named(numericValue(printers.get(device)), PRINTER_STATUS);
    state.deviceStatus = named(numericValue(col("deviceStatus").get(device)), DEVICE_STATUS);
  }
  const descriptions = col("supplyDescription");
  const capacities = col("supplyMaxCapacity");
  const levels = col("supplyLevel");
  const supplyIndexes = new Set([...descriptions.keys(), ...levels.keys()]);
  for (const index of [...supplyIndexes].sort(byIndex)) {
    const supply: Supply = {
      index,
      description: (textValue(descriptions.get(index)) || `supply ${index}`).slice(0, 128),
    };
    const level = numericValue(levels.get(index));
    const capacity = numericValue(capacities.get(index));
    if (level !== undefined && capacity !== undefined && level >= 0 && capacity > 0) {
      supply.ratio = Math.min(1, level / capacity);
    }
    state.supplies.push(supply);
  }
  const units = col("markerCounterUnit");
  for (const [marker, varbind] of [...col("markerLifeCount")].sort(([a], [b]) => byIndex(a, b))) {
    const count = numericValue(varbind);
    const unit = numericValue(units.get(marker));
    if (count !== undefined && unit !== undefined && PAGE_UNITS.has(unit)) {
      state.pages.push({ marker, count });
    }
  }
  return state;
}

/** "1.10" after "1.9": indexes compared part by part as numbers. */
function byIndex(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
