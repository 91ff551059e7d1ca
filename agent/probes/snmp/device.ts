// Reading a device over an open SNMP session: the system group, the IF-MIB interface table sized by
// ifNumber, and the extra OIDs a check names. What the probe makes of the answers is in snmp.ts.

import type { ProbeSample } from "../probe.js";
import { isNoSuchName } from "./failure.js";
import {
  IF_COLUMNS,
  IF_NUMBER,
  type IfColumn,
  type IfWalk,
  type Interface,
  missingReason,
  needs32BitCounters,
  numericValue,
  parseInterfaces,
  parseSystem,
  SYSTEM,
  type SystemInfo,
  scaled,
  type Varbind,
} from "./parse.js";
import type { SnmpSession } from "./session.js";

/** What of a check says what to read. */
export interface DeviceQuery {
  version: "1" | "2c" | "3";
  /** Walk IF-MIB for interface status, speed, traffic and errors. */
  interfaces: boolean;
  oids: readonly { oid: string; metric: string; labels: Record<string, string>; scale: number }[];
}

/** Extra OIDs asked for in one get with v2c/v3, small enough to avoid tooBig answers. */
const GET_CHUNK = 16;

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
const knownInterfaces = new WeakMap<DeviceQuery, number>();

/**
 * Identity, uptime and interfaces. With v2c/v3 it is one getBulk for a device of up to 24
 * interfaces: the system group and ifNumber as non-repeaters, and every interface column side by
 * side for ifNumber + 1 rows (the extra row is past the table's end), ifNumber as of the last run.
 * A device that grew, or answers in parts, is asked on from where each column stopped. With v1,
 * one get and a getNext walk per column.
 */
export async function readDevice(
  session: SnmpSession,
  check: DeviceQuery,
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

export interface Extras {
  samples: ProbeSample[];
  /** "1.3.6.1.4.1.x (noSuchObject)" for each configured OID that gave no number. */
  missing: string[];
}

export async function readExtras(session: SnmpSession, check: DeviceQuery): Promise<Extras> {
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
        value: scaled(value, extra.scale),
      });
    }
  });
  return extras;
}
