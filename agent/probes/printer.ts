// Printers over SNMP: the device's and the printer's status (HOST-RESOURCES-MIB, RFC 2790), the
// level of each supply (Printer-MIB, RFC 3805, prtMarkerSuppliesTable) and the page counter
// (prtMarkerLifeCount). The device and credentials are given as for the snmp kind.
import { printerCheckSchema } from "../../shared/config/checks/printer.js";
import { METRICS } from "../../shared/metrics.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "./probe.js";
import {
  isPrinterless,
  PRINTER_COLUMNS,
  type PrinterColumn,
  type PrinterState,
  type PrinterWalk,
  parsePrinter,
} from "./snmp/printer-mib.js";
import { withSnmpSession } from "./snmp/target.js";

/** hrDeviceStatus down(5): the printer says it cannot print. */
const DEVICE_DOWN = 5;

export const printerProbe = defineProbe({
  schema: printerCheckSchema,
  run(check, ctx) {
    return withSnmpSession(check, ctx, async (session) => {
      const walk: PrinterWalk = {};
      for (const column of Object.keys(PRINTER_COLUMNS) as PrinterColumn[]) {
        walk[column] = await session.walk(PRINTER_COLUMNS[column]);
      }
      return outcome(parsePrinter(walk), check.host);
    });
  },
});

function outcome(state: PrinterState, host: string): ProbeOutcome {
  if (isPrinterless(state)) {
    return {
      up: false,
      reason: "not_found",
      message: `${host} answers SNMP but no Printer-MIB (no hrPrinterStatus, no supplies): is it a printer?`,
    };
  }
  const samples: ProbeSample[] = [];
  if (state.deviceStatus) {
    samples.push({ metric: METRICS.printerDeviceStatus.name, value: state.deviceStatus.code });
  }
  if (state.printerStatus) {
    samples.push({ metric: METRICS.printerStatus.name, value: state.printerStatus.code });
  }
  for (const supply of state.supplies) {
    if (supply.ratio === undefined) continue;
    samples.push({
      metric: METRICS.printerSupplyLevel.name,
      labels: { supply: supply.description, index: supply.index },
      value: supply.ratio,
    });
  }
  for (const { marker, count } of state.pages) {
    samples.push({ metric: METRICS.printerPages.name, labels: { marker }, value: count });
  }
  const summary: Record<string, string> = {};
  const status = [state.printerStatus?.name, state.deviceStatus?.name].filter(Boolean);
  if (status.length > 0) summary.status = status.join(", ");
  const lowest = state.supplies
    .filter((s) => s.ratio !== undefined)
    .sort((a, b) => (a.ratio ?? 0) - (b.ratio ?? 0))[0];
  if (lowest?.ratio !== undefined) {
    summary.lowest = `${lowest.description} ${Math.round(lowest.ratio * 100)}%`;
  }
  const pages = state.pages[0];
  if (pages) summary.pages = String(pages.count);
  if (state.deviceStatus?.code === DEVICE_DOWN) {
    return {
      up: false,
      reason: "status",
      message: "the printer reports itself down (hrDeviceStatus down)",
      samples,
      summary,
    };
  }
  return { up: true, samples, summary };
}
