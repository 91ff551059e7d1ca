// Approving a discovered device makes its checks central checks of the unit (collector/fleet/),
// sent to the unit's agents once the decision is stored. A proposal names an SNMP credential only
// by its place in the unit's list (units[].discovery.snmp): it is filled in here, from
// collector.yaml, with the unit's SNMP port, so the credential never passes through a page or the
// API. The decision and the checks are kept with the device, as discovery keeps them without this.
import type { UnitConfig } from "../../shared/config/collector.js";
import { HttpError } from "../../shared/errors.js";
import type { Db } from "../db/database.js";
import { addCentralCheck } from "../fleet/central-checks.js";
import type { ProposedCheck } from "./proposals.js";
import type { ApprovedChecks } from "./service.js";
import { DiscoveryStore } from "./store.js";

type DiscoveryConfig = NonNullable<UnitConfig["discovery"]>;

export function centralApprovals(deps: {
  db: Db;
  units: () => readonly UnitConfig[];
  /** Sends the unit's central checks to its connected agents. */
  push: (unit: string) => void;
}): ApprovedChecks {
  const store = new DiscoveryStore(deps.db);
  return {
    add(unit, address, checks, by, now) {
      store.decide(unit, address, "approved", checks, by, now);
      const config = deps.units().find((u) => u.id === unit)?.discovery;
      for (const check of checks) {
        addCentralCheck(deps.db, unit, centralCheckOf(check, config), by, now);
      }
      // The caller's transaction commits first: agents are sent what is stored.
      setImmediate(() => deps.push(unit));
    },
  };
}

/** The central check of a proposed one: its SNMP credential and port from collector.yaml. */
export function centralCheckOf(
  check: ProposedCheck,
  config: DiscoveryConfig | undefined,
): Record<string, unknown> {
  const { credential, ...fields } = check;
  if (credential === undefined) return fields;
  const snmp = config?.snmp[credential];
  if (!config || !snmp) {
    throw new HttpError(
      409,
      `check ${check.name}: SNMP credential ${credential + 1} of the unit is no longer in collector.yaml (units[].discovery.snmp); run discovery again`,
    );
  }
  return { ...fields, ...snmp, ...(config.port === 161 ? {} : { port: config.port }) };
}
