// The fields of an snmp check: the device and its credentials, whether to walk its interfaces
// (IF-MIB), and extra numeric OIDs the user names with the metric each becomes.
import { z } from "zod";
import { labelNameProblem, METRIC_NAME } from "../../metric-names.js";
import { extraMetricProblem, MAX_EXTRA_LABELS } from "../../metrics.js";
import { MAX_SERIES_LABEL_CHARS } from "../../protocol.js";
import { defineCheckSchema } from "./check-schema.js";
import { refineCredentials, snmpTargetFields } from "./snmp-target.js";

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

export const snmpCheckSchema = defineCheckSchema({
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
});
