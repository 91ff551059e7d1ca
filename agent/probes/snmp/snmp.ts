// Switches, routers, printers, UPSes over SNMP v1/v2c/v3: identity and uptime (SNMPv2-MIB), interface
// status and traffic (IF-MIB), and extra numeric OIDs the user names. Uses net-snmp.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { z } from "zod";
import type { CheckBase } from "../../../shared/config/agent.js";
import { labelNameProblem, METRIC_NAME } from "../../../shared/metric-names.js";
import { extraMetricProblem, MAX_EXTRA_LABELS, METRICS } from "../../../shared/metrics.js";
import { MAX_SERIES_LABEL_CHARS } from "../../../shared/protocol.js";
import { hostField, portField } from "../endpoint.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "../probe.js";
import { type Extras, readDevice, readExtras } from "./device.js";
import { classifyFailure } from "./failure.js";
import { type Interface, interfaceSamples, type SystemInfo } from "./parse.js";
import { type Credentials, type SessionTarget, SnmpSession } from "./session.js";

const VERSIONS = ["1", "2c", "3"] as const;
type Version = (typeof VERSIONS)[number];
const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
const PRIV_PROTOCOLS = ["des", "aes", "aes256b", "aes256r"] as const;
const V3_FIELDS = ["user", "authProtocol", "authKey", "privProtocol", "privKey"] as const;
/** Labels the scheduler or the collector sets; an extra OID cannot choose them. */
const TAKEN_LABELS = ["unit", "agent", "check", "category", "kind"];

/** RFC 3414 section 11.2: USM passwords have at least 8 characters; agents refuse shorter ones. */
const usmKey = z.string().min(8, "must be at least 8 characters (RFC 3414 section 11.2)");

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
  host: hostField,
  port: portField.default(161),
  // YAML reads `version: 3` as a number; people write it so. Not z.enum: it would list "2c" last.
  version: z
    .preprocess(
      (v) => (typeof v === "number" ? String(v) : v),
      z.custom<Version>((v) => (VERSIONS as readonly unknown[]).includes(v), {
        error: (issue) => `must be one of "1", "2c", "3", got ${JSON.stringify(issue.input)}`,
      }),
    )
    .default("2c"),
  community: z.string().min(1).default("public"),
  user: z.string().min(1).max(32).optional(),
  authProtocol: z.enum(AUTH_PROTOCOLS).optional(),
  authKey: usmKey.optional(),
  privProtocol: z.enum(PRIV_PROTOCOLS).optional(),
  privKey: usmKey.optional(),
  /** Walk IF-MIB for interface status, speed, traffic and errors. */
  interfaces: z.boolean().default(true),
  oids: z.array(extraOid).max(100).default([]),
};

type SnmpCheck = CheckBase & z.output<z.ZodObject<typeof fields>>;

export const snmpProbe = defineProbe({
  kind: "snmp",
  inventory: true,
  fields,
  refine(check, ctx) {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (check.version !== "3") {
      for (const field of V3_FIELDS) {
        if (check[field] !== undefined) {
          issue(
            [field],
            `is only used with version "3" (this check has version "${check.version}")`,
          );
        }
      }
    } else {
      if (check.user === undefined) issue(["user"], 'is required with version "3"');
      if (check.authProtocol && !check.authKey) issue(["authKey"], "is required with authProtocol");
      if (check.authKey && !check.authProtocol) issue(["authProtocol"], "is required with authKey");
      if (check.privProtocol && !check.privKey) issue(["privKey"], "is required with privProtocol");
      if (check.privKey && !check.privProtocol) issue(["privProtocol"], "is required with privKey");
      if (check.privProtocol && !check.authProtocol) {
        issue(
          ["authProtocol"],
          "is required with privProtocol (SNMPv3 has no privacy without authentication)",
        );
      }
    }
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
  async run(check, ctx) {
    let session: SnmpSession | undefined;
    let unwatch = () => {};
    let good = false;
    let key = "";
    // v3 keeps discovering the engine each run (RFC 3414 section 4), so its sessions are not kept.
    const keep = check.version === "3" ? undefined : ctx.keep;
    try {
      const target = await resolve(check.host, check.port);
      ctx.signal.throwIfAborted();
      const auth = credentials(check);
      // Two tries (one retry) fit in the check's timeout, so a silent agent is reported here.
      const requestTimeout = Math.max(50, Math.floor(check.timeout * 0.4));
      if (keep) key = sessionKey(target, auth, requestTimeout);
      const kept = keep?.take(key);
      session =
        kept instanceof SnmpSession && kept.usable
          ? kept
          : new SnmpSession(target, auth, { requestTimeout });
      unwatch = session.watch(ctx.signal);
      const { system, interfaces } = await readDevice(session, check);
      const extras = await readExtras(session, check);
      good = true;
      return outcome(system, interfaces, extras, ctx.inventoryDue);
    } catch (error) {
      if (ctx.signal.aborted) {
        return { up: false, reason: "timeout", message: `stopped before ${check.host} answered` };
      }
      return failure(error, check);
    } finally {
      unwatch();
      // A v1/v2c session that just answered serves the next run: no new socket, no new net-snmp
      // session (with its random engine ID) each time. Anything that failed starts afresh.
      if (session && good && session.usable && keep) {
        keep.put(key, session);
      } else {
        await session?.close();
      }
    }
  },
});

/**
 * What makes sessions interchangeable: the same address, credentials and request timeout. Checks
 * of one device share its kept sessions.
 */
function sessionKey(target: SessionTarget, auth: Credentials, requestTimeout: number): string {
  return JSON.stringify(["snmp", target, auth, requestTimeout]);
}

async function resolve(host: string, port: number): Promise<SessionTarget> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(bare);
  if (family === 4 || family === 6) return { address: bare, family, port };
  const found = await lookup(bare);
  return { address: found.address, family: found.family === 6 ? 6 : 4, port };
}

function credentials(check: SnmpCheck): Credentials {
  if (check.version !== "3") return { version: check.version, community: check.community };
  const { user = "", authProtocol, authKey, privProtocol, privKey } = check;
  return { version: "3", user, authProtocol, authKey, privProtocol, privKey };
}

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

function failure(error: unknown, check: SnmpCheck): ProbeOutcome {
  const { reason, message } = classifyFailure(error);
  const where = `${check.host.includes(":") && !check.host.startsWith("[") ? `[${check.host}]` : check.host}:${check.port}`;
  if (reason === "timeout") {
    const silentFor = check.version === "3" ? "a wrong privKey" : "a wrong community";
    return {
      up: false,
      reason,
      message: `no SNMP answer from ${where} (agents also stay silent for ${silentFor})`,
    };
  }
  if (reason === "refused") {
    return { up: false, reason, message: `nothing listens on UDP ${where} (port unreachable)` };
  }
  return { up: false, reason, message: reason === "dns" ? message : `${where}: ${message}` };
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
