// The printer probe against a real snmpd answering Printer-MIB values (set with `override`): each
// figure is what snmpget reads from the same device, through agent.yaml and the scheduler as the
// agent runs it; a device without Printer-MIB and a printer reporting itself down are told apart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOutput } from "../../../agent/scheduler.js";
import { runCheck } from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";
import { PRINTER_VALUES, printerDevice } from "../../helpers/snmp-devices.js";
import {
  SNMPD_COMMUNITY,
  SNMPD_V3,
  type Snmpd,
  startSnmpd,
  V2C_ARGS,
} from "../../helpers/snmpd.js";

const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
const dir = tempDir();
let printer: Snmpd | undefined;
let downPrinter: Snmpd | undefined;
let plain: Snmpd | undefined;

beforeAll(async () => {
  const { snmpd, snmpget, snmpwalk } = bins;
  if (!snmpd || !snmpget || !snmpwalk) return;
  const found = { snmpd, snmpget, snmpwalk };
  printer = await startSnmpd(found, undefined, printerDevice());
  downPrinter = await startSnmpd(
    found,
    undefined,
    printerDevice({ ...PRINTER_VALUES, deviceStatus: 5, printerStatus: 1 }),
  );
  plain = await startSnmpd(found);
}, 60_000);

afterAll(async () => {
  await printer?.stop();
  await downPrinter?.stop();
  await plain?.stop();
  dir.remove();
});

function check(agent: Snmpd, more = ""): string {
  return `{ name: office-printer, category: equipment, kind: printer, host: "127.0.0.1", port: ${agent.port}, community: "${SNMPD_COMMUNITY}", timeout: 3s${more} }`;
}

function samples(output: RunOutput, metric: string) {
  return output.samples.filter((s) => s.metric === metric);
}

describe("printer probe against snmpd answering Printer-MIB", () => {
  it("reports status, supplies and pages equal to what snmpget reads", async (ctx) => {
    if (!printer) return ctx.skip("Net-SNMP is not installed");
    const read = await printer.get(V2C_ARGS, [
      "1.3.6.1.2.1.25.3.2.1.5.1",
      "1.3.6.1.2.1.25.3.5.1.1.1",
      "1.3.6.1.2.1.43.10.2.1.4.1.1",
      ...[1, 2].flatMap((i) => [
        `1.3.6.1.2.1.43.11.1.1.6.1.${i}`,
        `1.3.6.1.2.1.43.11.1.1.8.1.${i}`,
        `1.3.6.1.2.1.43.11.1.1.9.1.${i}`,
      ]),
    ]);
    const output = await runCheck(dir.path, check(printer));
    expect(output.result).toMatchObject({ up: true, kind: "printer" });
    expect(samples(output, "giamsat_printer_device_status_code")[0]?.value).toBe(
      Number(read.get("1.3.6.1.2.1.25.3.2.1.5.1")),
    );
    expect(samples(output, "giamsat_printer_status_code")[0]?.value).toBe(
      Number(read.get("1.3.6.1.2.1.25.3.5.1.1.1")),
    );
    expect(samples(output, "giamsat_printer_pages_total")).toEqual([
      expect.objectContaining({
        labels: expect.objectContaining({ marker: "1.1", check: "office-printer" }),
        value: Number(read.get("1.3.6.1.2.1.43.10.2.1.4.1.1")),
      }),
    ]);
    const levels = samples(output, "giamsat_printer_supply_level_ratio");
    // The waste toner box gives no numbers (-3 "some remains" of -2 "unknown"): no ratio for it.
    expect(levels.map((s) => [s.labels?.supply, s.labels?.index, s.value])).toEqual(
      [1, 2].map((i) => [
        read.get(`1.3.6.1.2.1.43.11.1.1.6.1.${i}`),
        `1.${i}`,
        Number(read.get(`1.3.6.1.2.1.43.11.1.1.9.1.${i}`)) /
          Number(read.get(`1.3.6.1.2.1.43.11.1.1.8.1.${i}`)),
      ]),
    );
    expect(output.outcome.summary).toEqual({
      status: "idle, warning",
      lowest: "Black Toner Cartridge HP 89A 8%",
      pages: "123456",
    });
  });

  it("reads the printer with SNMPv3 as with v2c", async (ctx) => {
    if (!printer) return ctx.skip("Net-SNMP is not installed");
    const output = await runCheck(
      dir.path,
      `{ name: office-printer, category: equipment, kind: printer, host: "127.0.0.1", port: ${printer.port}, version: "3", user: ${SNMPD_V3.user}, authProtocol: sha256, authKey: "${SNMPD_V3.authKey}", privProtocol: aes, privKey: "${SNMPD_V3.privKey}", timeout: 3s }`,
    );
    expect(output.result.up).toBe(true);
    expect(samples(output, "giamsat_printer_supply_level_ratio")[0]?.value).toBeCloseTo(0.08);
  });

  it("is down with the printer's own word when it reports itself down", async (ctx) => {
    if (!downPrinter) return ctx.skip("Net-SNMP is not installed");
    const output = await runCheck(dir.path, check(downPrinter));
    expect(output.result).toMatchObject({
      up: false,
      reason: "status",
      message: "the printer reports itself down (hrDeviceStatus down)",
    });
    expect(samples(output, "giamsat_printer_device_status_code")[0]?.value).toBe(5);
  });

  it("says a device without Printer-MIB is not a printer", async (ctx) => {
    if (!plain) return ctx.skip("Net-SNMP is not installed");
    const output = await runCheck(dir.path, check(plain));
    expect(output.result).toMatchObject({ up: false, reason: "not_found" });
    expect(output.result.message).toMatch(/no Printer-MIB .*is it a printer\?/);
  });

  it("refuses SNMPv3 fields on a v2c printer check, naming the field", async () => {
    const { configError } = await import("../../helpers/checks.js");
    expect(configError(dir.path, [check({ port: 161 } as Snmpd, ", user: someone")])).toMatch(
      /checks\[0\] \(office-printer\)\.user: is only used with version "3"/,
    );
  });
});
