// Switches, routers, printers, UPSes over SNMP v1/v2c/v3: identity and uptime (SNMPv2-MIB), interface
// status and traffic (IF-MIB), and extra numeric OIDs the user names. Uses net-snmp.
import { snmpCheckSchema } from "../../../shared/config/checks/snmp.js";
import { METRICS } from "../../../shared/metrics.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "../probe.js";
import { type Extras, readDevice, readExtras } from "./device.js";
import { type Interface, interfaceSamples, type SystemInfo } from "./parse.js";
import { withSnmpSession } from "./target.js";

export const snmpProbe = defineProbe({
  schema: snmpCheckSchema,
  run(check, ctx) {
    return withSnmpSession(check, ctx, async (session) => {
      const { system, interfaces } = await readDevice(session, check);
      const extras = await readExtras(session, check);
      return outcome(system, interfaces, extras, ctx.inventoryDue);
    });
  },
});

function outcome(
  system: SystemInfo,
  interfaces: Interface[],
  extras: Extras,
  inventoryDue: boolean,
): ProbeOutcome {
  const samples: ProbeSample[] = [];
  if (system.upTimeSeconds !== undefined) {
    samples.push({ metric: METRICS.snmpUptime.name, value: system.upTimeSeconds });
  }
  samples.push(...interfaceSamples(interfaces), ...extras.samples);
  const summary: Record<string, string> = {};
  if (system.name) summary.sysName = system.name;
  if (system.upTimeSeconds !== undefined) summary.uptime = formatUptime(system.upTimeSeconds);
  if (interfaces.length > 0) {
    const up = interfaces.filter((i) => i.status === "up").length;
    summary.interfaces = `${up}/${interfaces.length} up`;
  }
  const result: ProbeOutcome = { up: true, samples, summary };
  if (extras.missing.length > 0) result.message = `no number for ${extras.missing.join(", ")}`;
  if (inventoryDue) {
    result.inventory = {
      sysName: system.name,
      sysDescr: system.descr,
      sysObjectID: system.objectId,
      sysContact: system.contact,
      sysLocation: system.location,
      interfaces: interfaces.map(({ index, name, descr, status, speedBytes }) => ({
        index,
        name,
        descr,
        status,
        speedBytes,
      })),
    };
  }
  return result;
}

/** "12d 3h", "3h 4m", "4m 5s": enough to see a reboot at a glance. */
function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${s}s`;
}
