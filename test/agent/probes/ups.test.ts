// The ups probe against a real snmpd answering UPS-MIB (RFC 1628) values set with `override`: each
// figure is what snmpget reads from the same device, run through agent.yaml and the scheduler.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOutput } from "../../../agent/scheduler.js";
import { runCheck } from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";
import { UPS_VALUES, upsDevice } from "../../helpers/snmp-devices.js";
import { SNMPD_COMMUNITY, type Snmpd, startSnmpd, V2C_ARGS } from "../../helpers/snmpd.js";

const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
const dir = tempDir();
let onBattery: Snmpd | undefined;
let depleted: Snmpd | undefined;
let plain: Snmpd | undefined;

beforeAll(async () => {
  const { snmpd, snmpget, snmpwalk } = bins;
  if (!snmpd || !snmpget || !snmpwalk) return;
  const found = { snmpd, snmpget, snmpwalk };
  onBattery = await startSnmpd(found, undefined, upsDevice());
  depleted = await startSnmpd(
    found,
    undefined,
    upsDevice({ ...UPS_VALUES, batteryStatus: 4, outputSource: 3, secondsOnBattery: 0 }),
  );
  plain = await startSnmpd(found);
}, 60_000);

afterAll(async () => {
  await onBattery?.stop();
  await depleted?.stop();
  await plain?.stop();
  dir.remove();
});

function check(agent: Snmpd): string {
  return `{ name: server-room-ups, category: equipment, kind: ups, host: "127.0.0.1", port: ${agent.port}, community: "${SNMPD_COMMUNITY}", timeout: 3s }`;
}

function value(output: RunOutput, metric: string): number | undefined {
  const found = output.samples.filter((s) => s.metric === metric);
  expect(found, metric).toHaveLength(1);
  return found[0]?.value;
}

const OID = {
  batteryStatus: "1.3.6.1.2.1.33.1.2.1.0",
  secondsOnBattery: "1.3.6.1.2.1.33.1.2.2.0",
  minutesRemaining: "1.3.6.1.2.1.33.1.2.3.0",
  chargeRemaining: "1.3.6.1.2.1.33.1.2.4.0",
  outputSource: "1.3.6.1.2.1.33.1.4.1.0",
};

describe("ups probe against snmpd answering UPS-MIB", () => {
  it("reports a UPS on battery with the values snmpget reads", async (ctx) => {
    if (!onBattery) return ctx.skip("Net-SNMP is not installed");
    const read = await onBattery.get(V2C_ARGS, Object.values(OID));
    const n = (oid: string) => Number(read.get(oid));
    const output = await runCheck(dir.path, check(onBattery));
    expect(output.result).toMatchObject({ up: true, kind: "ups" });
    expect(n(OID.outputSource)).toBe(5);
    expect(value(output, "giamsat_ups_on_battery")).toBe(1);
    expect(value(output, "giamsat_ups_output_source_code")).toBe(n(OID.outputSource));
    expect(value(output, "giamsat_ups_battery_status_code")).toBe(n(OID.batteryStatus));
    expect(value(output, "giamsat_ups_battery_charge_ratio")).toBe(n(OID.chargeRemaining) / 100);
    expect(value(output, "giamsat_ups_battery_runtime_seconds")).toBe(n(OID.minutesRemaining) * 60);
    expect(value(output, "giamsat_ups_on_battery_seconds")).toBe(n(OID.secondsOnBattery));
    expect(output.outcome.summary).toEqual({ output: "battery", charge: "87%", runtime: "42 min" });
  });

  it("is down when the battery is depleted, on mains otherwise", async (ctx) => {
    if (!depleted) return ctx.skip("Net-SNMP is not installed");
    const output = await runCheck(dir.path, check(depleted));
    expect(output.result).toMatchObject({
      up: false,
      reason: "status",
      message: "the UPS battery is depleted",
    });
    expect(value(output, "giamsat_ups_on_battery")).toBe(0);
  });

  it("says a device without UPS-MIB is not a UPS", async (ctx) => {
    if (!plain) return ctx.skip("Net-SNMP is not installed");
    const output = await runCheck(dir.path, check(plain));
    expect(output.result).toMatchObject({ up: false, reason: "not_found" });
    expect(output.result.message).toMatch(/no UPS-MIB/);
  });
});
