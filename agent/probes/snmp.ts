// Switches, routers, printers, UPSes over SNMP v1/v2c/v3: identity and uptime (SNMPv2-MIB), interface
// status and traffic (IF-MIB), and extra numeric OIDs the user names. Uses net-snmp.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { z } from "zod";
import type { CheckBase } from "../../shared/config/agent.js";
import { duration } from "../../shared/duration.js";
import { LABEL_NAME, METRIC_BY_NAME, METRIC_NAME, METRICS } from "../../shared/metrics.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "./probe.js";
import { classifyFailure, isNoSuchName } from "./snmp-failure.js";
import {
  IF_COLUMNS,
  IF_NUMBER,
  type IfColumn,
  type IfWalk,
  type Interface,
  interfaceSamples,
  missingReason,
  needs32BitCounters,
  numericValue,
  parseInterfaces,
  parseSystem,
  SYSTEM,
  type SystemInfo,
  type Varbind,
} from "./snmp-parse.js";
import { type Credentials, type SessionTarget, SnmpSession } from "./snmp-session.js";

const VERSIONS = ["1", "2c", "3"] as const;
type Version = (typeof VERSIONS)[number];
const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
const PRIV_PROTOCOLS = ["des", "aes", "aes256b", "aes256r"] as const;
const V3_FIELDS = ["user", "authProtocol", "authKey", "privProtocol", "privKey"] as const;
/** Labels the scheduler or the collector sets; an extra OID cannot choose them. */
const TAKEN_LABELS = ["unit", "agent", "check", "category", "kind"];
/** Extra OIDs asked for in one get with v2c/v3, small enough to avoid tooBig answers. */
const GET_CHUNK = 16;

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
    .refine((name) => !METRIC_BY_NAME.has(name), "is a built-in metric; choose another name"),
  labels: z
    .record(
      z
        .string()
        .regex(LABEL_NAME, "must be a Prometheus label name")
        .refine((name) => !TAKEN_LABELS.includes(name), "is set by giamsat"),
      z.string().max(256),
    )
    .refine((labels) => Object.keys(labels).length <= 8, "at most 8 labels")
    .default({}),
  /** Multiplies the value into the metric's base unit, e.g. 0.01 for TimeTicks to seconds. */
  scale: z.number().positive().default(1),
});

const fields = {
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535).default(161),
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
  inventoryInterval: duration({ min: 60_000 }).prefault("24h"),
};

type SnmpCheck = CheckBase & z.output<z.ZodObject<typeof fields>>;

export const snmpProbe = defineProbe({
  kind: "snmp",
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
    check.oids.forEach((extra, index) => {
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

/** IF-MIB columns walked on every run; ifIn/OutOctets only when some row lacks 64-bit ones. */
const IF_WALKED: readonly IfColumn[] = [
  "descr",
  "name",
  "operStatus",
  "speed",
  "highSpeed",
  "inErrors",
  "outErrors",
  "hcInOctets",
  "hcOutOctets",
];

/** Rows asked for per getBulk of the interface columns, at most. */
const MAX_IF_REPETITIONS = 25;
/** Rows asked for while a device's interface count is not known yet: a small switch's worth. */
const FIRST_IF_REPETITIONS = 8;
/** ifNumber of each check's device at its last run, to size the next run's request. */
const knownInterfaces = new WeakMap<SnmpCheck, number>();

/**
 * Identity, uptime and interfaces. With v2c/v3 it is one getBulk for a device of up to 24
 * interfaces: the system group and ifNumber as non-repeaters, and every interface column side by
 * side for ifNumber + 1 rows (the extra row is past the table's end), ifNumber as of the last run.
 * A device that grew, or answers in parts, is asked on from where each column stopped. With v1,
 * one get and a getNext walk per column.
 */
async function readDevice(
  session: SnmpSession,
  check: SnmpCheck,
): Promise<{ system: SystemInfo; interfaces: Interface[] }> {
  if (check.version === "1" || !check.interfaces) {
    const system = parseSystem(await session.get(Object.values(SYSTEM)));
    if (!check.interfaces) return { system, interfaces: [] };
    const walk: IfWalk = {};
    for (const column of IF_WALKED) walk[column] = await session.walk(IF_COLUMNS[column]);
    const interfaces = await withOctets(walk, async () => [
      await session.walk(IF_COLUMNS.inOctets),
      await session.walk(IF_COLUMNS.outOctets),
    ]);
    return { system, interfaces };
  }
  const known = knownInterfaces.get(check);
  const found = await session.walkColumns(
    IF_WALKED.map((column) => IF_COLUMNS[column]),
    {
      scalars: [...Object.values(SYSTEM), IF_NUMBER],
      repetitions: known === undefined ? FIRST_IF_REPETITIONS : rowsToAsk(known, 0),
      next: (scalars, rowsSoFar) => rowsToAsk(ifNumber(scalars), rowsSoFar),
    },
  );
  const walk: IfWalk = {};
  IF_WALKED.forEach((column, i) => {
    walk[column] = found.columns[i] ?? [];
  });
  const count = ifNumber(found.scalars) ?? Math.max(0, ...found.columns.map((rows) => rows.length));
  knownInterfaces.set(check, count);
  const interfaces = await withOctets(walk, async () => {
    const octets = await session.walkColumns([IF_COLUMNS.inOctets, IF_COLUMNS.outOctets], {
      repetitions: rowsToAsk(count, 0),
    });
    return [octets.columns[0] ?? [], octets.columns[1] ?? []];
  });
  return { system: parseSystem(found.scalars), interfaces };
}

/**
 * The interfaces of the walk; when some row lacks 64-bit counters, the 32-bit ifIn/OutOctets
 * columns are read too and the walk parsed again.
 */
async function withOctets(
  walk: IfWalk,
  readOctets: () => Promise<[Varbind[], Varbind[]]>,
): Promise<Interface[]> {
  const interfaces = parseInterfaces(walk);
  if (!needs32BitCounters(interfaces)) return interfaces;
  [walk.inOctets, walk.outOctets] = await readOctets();
  return parseInterfaces(walk);
}

function ifNumber(scalars: readonly Varbind[]): number | undefined {
  const count = numericValue(scalars.find((v) => v.oid === IF_NUMBER));
  return count === undefined || count < 0 ? undefined : Math.floor(count);
}

/**
 * getBulk repetitions for the rest of the interface walk: the rows left and one past them, so every
 * column ends in the answer without fetching rows of the next column only to throw them away.
 */
function rowsToAsk(interfaces: number | undefined, rowsSoFar: number): number {
  if (interfaces === undefined) return MAX_IF_REPETITIONS;
  return Math.max(1, Math.min(MAX_IF_REPETITIONS, interfaces - rowsSoFar + 1));
}

interface Extras {
  samples: ProbeSample[];
  /** "1.3.6.1.4.1.x (noSuchObject)" for each configured OID that gave no number. */
  missing: string[];
}

async function readExtras(session: SnmpSession, check: SnmpCheck): Promise<Extras> {
  const answers: (Varbind | undefined)[] = [];
  const oids = check.oids.map((extra) => extra.oid);
  if (check.version === "1") {
    // SNMPv1 fails a whole get when one OID is missing (RFC 1157 section 4.1.2.4): one at a time.
    for (const oid of oids) {
      const answer = await session.get([oid]).then(
        (varbinds) => varbinds[0],
        (error: unknown) => {
          if (isNoSuchName(error)) return undefined;
          throw error;
        },
      );
      answers.push(answer);
    }
  } else {
    for (let i = 0; i < oids.length; i += GET_CHUNK) {
      answers.push(...(await session.get(oids.slice(i, i + GET_CHUNK))));
    }
  }
  const extras: Extras = { samples: [], missing: [] };
  check.oids.forEach((extra, i) => {
    const answer = answers[i];
    const value = numericValue(answer);
    if (value === undefined) {
      extras.missing.push(`${extra.oid} (${missingReason(answer)})`);
    } else {
      extras.samples.push({
        metric: extra.metric,
        labels: extra.labels,
        value: value * extra.scale,
      });
    }
  });
  return extras;
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
