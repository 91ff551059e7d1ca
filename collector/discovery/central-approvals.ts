// Approving a discovered device makes its checks central checks of the unit (collector/fleet/),
// sent to the unit's agents once the decision is stored. A proposal names an SNMP credential only
// by its place in the unit's list (units[].discovery.snmp): it is filled in here, from
// collector.yaml, with the unit's SNMP port, so the credential never passes through a page or the
// API. The decision and the checks are kept with the device, as discovery keeps them without this.
// The proposed parents become dependsOn: a device's checks depend on the ping check (else the first
// check) of each parent already approved, and a parent approved later is added to the checks of the
// children approved before it. A dependsOn the person gave with a check is left as it is.

import { MAX_PARENTS } from "../../shared/config/agent.js";
import type { UnitConfig } from "../../shared/config/collector.js";
import { HttpError } from "../../shared/errors.js";
import { recordAudit } from "../auth/audit.js";
import type { Db } from "../db/database.js";
import { addCentralCheck, addCentralParents, listCentralChecks } from "../fleet/central-checks.js";
import { type ProposedCheck, proposeParents } from "./proposals.js";
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
      const approved = store.approvedChecksByAddress(unit);
      const parents = proposeParents(store.devices(unit).map((known) => known.device));
      // A parent's check a person has since removed from the central checks is no parent: the
      // agents refuse a dependsOn naming no check.
      const present = new Set(listCentralChecks(deps.db, unit).map((s) => s.check.name));
      const own = (parents.get(address) ?? [])
        .flatMap((parent) => parentCheck(approved, parent))
        .filter((name) => present.has(name));
      for (const check of checks) {
        // A parent a person made depend on this check stays its child: no cycle is made.
        const reaches = dependencyPaths(deps.db, unit);
        const above = own.filter((parent) => !reaches(parent, check.name));
        const withParents =
          check.dependsOn === undefined && above.length > 0
            ? { ...check, dependsOn: above.slice(0, MAX_PARENTS) }
            : check;
        addCentralCheck(deps.db, unit, centralCheckOf(withParents, config), by, now);
      }
      const name = parentCheck(approved, address)[0];
      if (name !== undefined) {
        for (const [child, childChecks] of approved) {
          if (!(parents.get(child) ?? []).includes(address)) continue;
          adoptParent(deps.db, unit, childChecks as ProposedCheck[], name, by, now);
        }
      }
      // The caller's transaction commits first: agents are sent what is stored.
      setImmediate(() => deps.push(unit));
    },
  };
}

/** The check others depend on when they depend on an approved device: its ping, else its first. */
function parentCheck(approved: Map<string, unknown[]>, address: string): string[] {
  const checks = (approved.get(address) ?? []) as ProposedCheck[];
  const check = checks.find((c) => c.kind === "ping") ?? checks[0];
  return check ? [check.name] : [];
}

/** Whether a check of the unit is, or depends (through others) on, another. */
function dependencyPaths(db: Db, unit: string): (from: string, to: string) => boolean {
  const parents = new Map(
    listCentralChecks(db, unit).map((s) => [s.check.name, (s.check.dependsOn ?? []) as string[]]),
  );
  return (from, to) => {
    const seen = new Set<string>();
    const stack = [from];
    for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
      if (name === to) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...(parents.get(name) ?? []));
    }
    return false;
  };
}

/** A child approved before its parent: its checks without a person's dependsOn gain the parent. */
function adoptParent(
  db: Db,
  unit: string,
  checks: readonly ProposedCheck[],
  parent: string,
  by: string,
  now: number,
): void {
  const reaches = dependencyPaths(db, unit);
  const changed = checks
    .filter((check) => check.dependsOn === undefined && !reaches(parent, check.name))
    .flatMap((check) => addCentralParents(db, unit, check.name, [parent], by, now) ?? []);
  if (changed.length === 0) return;
  recordAudit(
    db,
    {
      actor: by,
      action: "central.update",
      unit,
      target: "central checks",
      detail: {
        checks: changed.map((check) => `${check.name} (${check.kind})`),
        dependsOn: parent,
      },
    },
    now,
  );
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
