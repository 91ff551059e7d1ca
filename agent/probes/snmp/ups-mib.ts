// Pure reading of a UPS's answers for the ups probe: UPS-MIB (RFC 1628) battery group and output
// source. No I/O here.
import { numericValue, type Varbind } from "./parse.js";

/** The scalars read, one get (RFC 1628 section 5, upsBattery and upsOutput groups). */
export const UPS_OIDS = {
  batteryStatus: "1.3.6.1.2.1.33.1.2.1.0",
  secondsOnBattery: "1.3.6.1.2.1.33.1.2.2.0",
  minutesRemaining: "1.3.6.1.2.1.33.1.2.3.0",
  chargeRemaining: "1.3.6.1.2.1.33.1.2.4.0",
  outputSource: "1.3.6.1.2.1.33.1.4.1.0",
} as const;

/** upsBatteryStatus. */
const BATTERY_STATUS = ["", "unknown", "normal", "low", "depleted"];
/** upsOutputSource. */
const OUTPUT_SOURCE = ["", "other", "none", "normal", "bypass", "battery", "booster", "reducer"];
/** upsOutputSource battery(5): the load runs on the battery. */
export const OUTPUT_ON_BATTERY = 5;
/** upsOutputSource none(2): nothing reaches the load. */
export const OUTPUT_NONE = 2;
/** upsBatteryStatus batteryDepleted(4): the UPS cannot hold the load when the mains fail. */
export const BATTERY_DEPLETED = 4;

export interface UpsState {
  batteryStatus?: { code: number; name: string };
  outputSource?: { code: number; name: string };
  /** upsSecondsOnBattery: 0 while on mains. */
  secondsOnBattery?: number;
  /** upsEstimatedMinutesRemaining, in seconds. */
  runtimeSeconds?: number;
  /** upsEstimatedChargeRemaining (percent), 0..1. */
  chargeRatio?: number;
}

function named(code: number | undefined, names: readonly string[]) {
  if (code === undefined) return undefined;
  return { code, name: names[code] || `status ${code}` };
}

export function parseUps(varbinds: readonly Varbind[]): UpsState {
  const byOid = new Map(varbinds.map((v) => [v.oid, v]));
  const value = (oid: string) => numericValue(byOid.get(oid));
  const state: UpsState = {};
  const battery = named(value(UPS_OIDS.batteryStatus), BATTERY_STATUS);
  if (battery) state.batteryStatus = battery;
  const source = named(value(UPS_OIDS.outputSource), OUTPUT_SOURCE);
  if (source) state.outputSource = source;
  const seconds = value(UPS_OIDS.secondsOnBattery);
  if (seconds !== undefined) state.secondsOnBattery = seconds;
  const minutes = value(UPS_OIDS.minutesRemaining);
  if (minutes !== undefined) state.runtimeSeconds = minutes * 60;
  const charge = value(UPS_OIDS.chargeRemaining);
  if (charge !== undefined) state.chargeRatio = charge / 100;
  return state;
}
