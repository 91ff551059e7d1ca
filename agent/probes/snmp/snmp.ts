// Switches, routers, printers, UPSes over SNMP v1/v2c/v3: identity and uptime (SNMPv2-MIB), interface
// status and traffic (IF-MIB), and extra numeric OIDs the user names. Uses net-snmp.
import { z } from "zod";
import { labelNameProblem, METRIC_NAME } from "../../../shared/metric-names.js";
import { extraMetricProblem, MAX_EXTRA_LABELS, METRICS } from "../../../shared/metrics.js";
import { MAX_SERIES_LABEL_CHARS } from "../../../shared/protocol.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "../probe.js";
import { type Extras, readDevice, readExtras } from "./device.js";
import { type Interface, interfaceSamples, type SystemInfo } from "./parse.js";
import { refineCredentials, snmpTargetFields, withSnmpSession } from "./target.js";

/** Labels the scheduler or the collector sets; an extra OID cannot choose them. */
const TAKEN_LABELS = ["unit", "agent", "check", "category", "kind"];

const extraOid = z.strictObject({
  oid: z
    .string()
    .regex(/^\.?[0-2](\.\d+)+$/, "must be a numeric OID such as 1.3.6.1.2.1.1.7.0")
    .transform((oid) => oid.replace(/^\./, "")),
  metric: z
    .string()
    .max(128)
    .regex(METRIC_NAME, "must be a Prometheus metric name")
    .startsWith("giamsat_", "must start with giamsat_")
    .superRefine((name, ctx) => {
      const problem = extraMetricProblem(name);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  labels: z
    .record(
      z.string().superRefine((name, ctx) => {
        const problem = TAKEN_LABELS.includes(name) ? "is set by giamsat" : labelNameProblem(name);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      z.string().max(256),
    )
    .refine(
      (labels) => Object.keys(labels).length <= MAX_EXTRA_LABELS,
      `at most ${MAX_EXTRA_LABELS} labels`,
    )
    .default({}),
  /** Multiplies the value into the metric's base unit, e.g. 0.01 for TimeTicks to seconds. */
  scale: z.number().positive().default(1),
});

const fields = {
  ...snmpTargetFields,
  /** Walk IF-MIB for interface status, speed, traffic and errors. */
  interfaces: z.boolean().default(true),
  oids: z.array(extraOid).max(100).default([]),
};

export const snmpProbe = defineProbe({
  kind: "snmp",
  inventory: true,
  fields,
  refine(check, ctx) {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    refineCredentials(check, ctx);
    const series = new Map<string, number>();
    // The collector takes a sample's labels, the check's with them, up to a length.
    const own = { check: check.name, category: check.category, kind: "snmp" };
    check.oids.forEach((extra, index) => {
      let chars = 0;
      for (const [name, text] of Object.entries({ ...own, ...extra.labels })) {
        chars += name.length + text.length;
      }
      if (chars > MAX_SERIES_LABEL_CHARS) {
        issue(
          ["oids", index, "labels"],
          `with the check's own, ${chars} characters of labels; at most ${MAX_SERIES_LABEL_CHARS}`,
        );
      }
      const key = JSON.stringify([extra.metric, Object.entries(extra.labels).sort()]);
      const first = series.get(key);
      if (first !== undefined) {
        issue(["oids", index, "metric"], `same metric and labels as oids[${first}]`);
      }
      series.set(key, index);
    });
  },
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
