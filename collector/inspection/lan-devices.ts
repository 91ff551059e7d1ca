// What discovery runs saw on a unit's LAN, as the unit's equipment inventory lists it beside the
// agents' own (each device with when it was first and last seen, gone once a later run that
// covered its address did not find it), and as the summary counts it for a period: devices new
// then (first found then, where an earlier run had looked and not found them) and devices gone
// then (the first run after they were last found that covered their address finished then).
// Ignored devices are left out of both.

import type { Statement } from "better-sqlite3";
import type { DeviceType, DiscoveredDevice } from "../../shared/discovery.js";
import type { Db } from "../db/database.js";
import { finishedRuns, lookedAtBefore, missedBy } from "./discovery-coverage.js";

/** A device discovery found on a unit's LAN, as the inventory lists it. */
export interface LanDevice {
  unit: string;
  address: string;
  type: DeviceType;
  sysName?: string;
  sysDescr?: string;
  model?: string;
  serial?: string;
  firstSeen: number;
  lastSeen: number;
  /** A run that covered its address since it was last found did not find it. */
  gone: boolean;
}

/** The devices discovery found on the LAN of one unit, or of every unit; by unit, then address. */
export function lanInventory(db: Db, unit?: string): LanDevice[] {
  const rows = db
    .prepare(
      `SELECT d.unit_id AS unit, d.address, d.first_seen, d.last_seen, d.data, d.last_run
       FROM discovered_devices d
       WHERE (@unit IS NULL OR d.unit_id = @unit) AND d.decision IS NOT 'ignored'
       ORDER BY d.unit_id, d.address`,
    )
    .all({ unit: unit ?? null }) as {
    unit: string;
    address: string;
    first_seen: number;
    last_seen: number;
    data: string;
    last_run: number;
  }[];
  const finished = finishedRuns(db, unit);
  // Addresses sort as text; people read them in numeric order.
  const numeric = (address: string) => address.split(".").map((part) => part.padStart(3, "0"));
  rows.sort((a, b) =>
    a.unit === b.unit
      ? numeric(a.address).join(".").localeCompare(numeric(b.address).join("."))
      : a.unit.localeCompare(b.unit),
  );
  return rows.map((row) => {
    const { type, sysName, sysDescr, model, serial } = JSON.parse(row.data) as DiscoveredDevice;
    return {
      unit: row.unit,
      address: row.address,
      type,
      ...(sysName === undefined ? {} : { sysName }),
      ...(sysDescr === undefined ? {} : { sysDescr }),
      ...(model === undefined ? {} : { model }),
      ...(serial === undefined ? {} : { serial }),
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      gone: missedBy(finished.get(row.unit) ?? [], row.address, row.last_run) !== undefined,
    };
  });
}

/** The statement of lanDeviceChanges, prepared once for each database (a report asks per unit). */
const unitDevices = new WeakMap<Db, Statement>();

export function lanDeviceChanges(
  db: Db,
  unit: string,
  from: number,
  to: number,
): { appeared: number; gone: number } {
  const finished = finishedRuns(db, unit).get(unit) ?? [];
  let devicesOf = unitDevices.get(db);
  if (devicesOf === undefined) {
    devicesOf = db.prepare(
      `SELECT address, first_seen, last_run FROM discovered_devices
       WHERE unit_id = ? AND decision IS NOT 'ignored'`,
    );
    unitDevices.set(db, devicesOf);
  }
  const devices = devicesOf.all(unit) as {
    address: string;
    first_seen: number;
    last_run: number;
  }[];
  // New on the LAN: a run before the one that first found it looked at its address and did not
  // find it. What the first run of a network finds was already there.
  const appeared = devices.filter(
    (device) =>
      device.first_seen >= from &&
      device.first_seen < to &&
      lookedAtBefore(finished, device.address, device.first_seen),
  );
  const gone = devices.filter((device) => {
    const missed = missedBy(finished, device.address, device.last_run);
    return missed !== undefined && missed.finishedAt >= from && missed.finishedAt < to;
  });
  return { appeared: appeared.length, gone: gone.length };
}
