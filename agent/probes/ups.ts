// UPSes over SNMP (UPS-MIB, RFC 1628): where the output comes from (mains, battery, bypass), the
// battery's status, charge and remaining runtime, and how long it has been on battery. The device
// and credentials are given as for the snmp kind.
import { upsCheckSchema } from "../../shared/config/checks/ups.js";
import { METRICS } from "../../shared/metrics.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "./probe.js";
import { withSnmpSession } from "./snmp/target.js";
import {
  BATTERY_DEPLETED,
  OUTPUT_NONE,
  OUTPUT_ON_BATTERY,
  parseUps,
  UPS_OIDS,
  type UpsState,
} from "./snmp/ups-mib.js";

export const upsProbe = defineProbe({
  schema: upsCheckSchema,
  run(check, ctx) {
    return withSnmpSession(check, ctx, async (session) => {
      // One get; SNMPv1 fails it whole when one object is missing, which a UPS-MIB agent has.
      const state = parseUps(await session.get(Object.values(UPS_OIDS)));
      return outcome(state, check.host);
    });
  },
});

function outcome(state: UpsState, host: string): ProbeOutcome {
  if (!state.outputSource && !state.batteryStatus && state.chargeRatio === undefined) {
    return {
      up: false,
      reason: "not_found",
      message: `${host} answers SNMP but no UPS-MIB (RFC 1628): is it a UPS with that MIB?`,
    };
  }
  const samples: ProbeSample[] = [];
  const add = (metric: string, value: number | undefined) => {
    if (value !== undefined) samples.push({ metric, value });
  };
  if (state.outputSource) {
    add(METRICS.upsOnBattery.name, state.outputSource.code === OUTPUT_ON_BATTERY ? 1 : 0);
  }
  add(METRICS.upsOutputSource.name, state.outputSource?.code);
  add(METRICS.upsBatteryStatus.name, state.batteryStatus?.code);
  add(METRICS.upsBatteryCharge.name, state.chargeRatio);
  add(METRICS.upsBatteryRuntime.name, state.runtimeSeconds);
  add(METRICS.upsOnBatterySeconds.name, state.secondsOnBattery);
  const summary: Record<string, string> = {};
  if (state.outputSource) summary.output = state.outputSource.name;
  if (state.chargeRatio !== undefined) summary.charge = `${Math.round(state.chargeRatio * 100)}%`;
  if (state.runtimeSeconds !== undefined) {
    summary.runtime = `${Math.round(state.runtimeSeconds / 60)} min`;
  }
  if (state.outputSource?.code === OUTPUT_NONE) {
    return {
      up: false,
      reason: "status",
      message: "the UPS feeds nothing (upsOutputSource none)",
      samples,
      summary,
    };
  }
  if (state.batteryStatus?.code === BATTERY_DEPLETED) {
    return {
      up: false,
      reason: "status",
      message: "the UPS battery is depleted",
      samples,
      summary,
    };
  }
  return { up: true, samples, summary };
}
