// The fleet view: every agent with its unit, host, versions, uptime, when it was last heard, its
// clock offset, where its checks come from and what it did with the central ones; agents older than
// the collector, silent, or that refused their central checks are flagged.
import { compareVersions } from "../../shared/agent-package.js";
import type { Db } from "../db/database.js";
import type { AgentConfigState } from "./config-desk.js";
import type { AgentPackage } from "./packages.js";
import type { UpgradeStep } from "./upgrade-desk.js";

/** `upgrade_failed`: the agent refused its target version or rolled it back. */
export const FLEET_FLAGS = [
  "older",
  "silent",
  "refused",
  "disconnected",
  "upgrade_failed",
] as const;

/** A package of upgrades.folder as the fleet view lists it: offered, or invalid with the reason. */
export type PackageListing = Omit<AgentPackage, "signature"> & { valid: boolean };

export function packageListing(found: AgentPackage): PackageListing {
  const { signature: _signature, ...rest } = found;
  return { ...rest, valid: found.problem === undefined };
}
export type FleetFlag = (typeof FLEET_FLAGS)[number];

export interface FleetAgent {
  unit: string;
  agent: string;
  hostname: string | null;
  os: string | null;
  version: string | null;
  node: string | null;
  /** Seconds since the agent process started, as of its last hello; null before one. */
  uptimeSeconds: number | null;
  lastSeen: number | null;
  connected: boolean;
  /** Agent clock minus collector clock, from its last batch. */
  clockOffsetSeconds: number | null;
  /** Samples its buffer dropped (full, refused, corrupt) and checks' runs that failed with an error, as it last counted them. */
  droppedSamples: number;
  checkErrors: number;
  /** Samples waiting in its buffer, as it last reported them; null when it has not (older agents). */
  bufferedSamples: number | null;
  /** Whether it takes central checks (its hello said so), and their state. */
  central: {
    supported: boolean;
    /** How many central checks it should run, and how many of them are its own (not its unit's). */
    checks: number;
    own: number;
    hash: string;
    state: AgentConfigState["state"] | "none";
    appliedHash: string | null;
    errors: string[];
  };
  /**
   * The version its unit should run (upgrades.target or upgrades.units), null when none; and the
   * last upgrade it was offered and the step it reported, with the reason of a refusal or rollback.
   */
  upgrade: {
    target: string | null;
    version: string | null;
    from: string | null;
    state: UpgradeStep | null;
    reason: string | null;
    at: number | null;
  };
  flags: FleetFlag[];
}

interface Row {
  id: number;
  unit: string;
  agent: string;
  hostname: string | null;
  os: string | null;
  version: string | null;
  last_seen: number | null;
  clock_offset_ms: number | null;
  facts: string | null;
  hash: string | null;
  state: AgentConfigState["state"] | null;
  applied_hash: string | null;
  errors: string | null;
  up_version: string | null;
  up_from: string | null;
  up_state: UpgradeStep | null;
  up_reason: string | null;
  up_at: number | null;
}

/** Dotted numbers compared part by part: "0.10.0" is newer than "0.9.3". */
export function olderVersion(version: string, than: string): boolean {
  return compareVersions(version, than) < 0;
}

export interface FleetOptions {
  now: number;
  collectorVersion: string;
  /** Nothing heard for this long: silent (collector.yaml incidents.silentAfter). */
  silentAfterMs: number;
  isConnected(agentId: number): boolean;
  /** A unit user's unit: only its agents. */
  unit?: string | undefined;
  /** The agent's own counters as last received: drops and checks' internal errors. */
  droppedOf(agentId: number): number;
  checkErrorsOf(agentId: number): number;
  /** The samples its buffer holds, as last received; undefined when none was. */
  bufferedOf(agentId: number): number | undefined;
  /** The number of central checks an agent should run, of them its own, and their hash. */
  centralOf(unit: string, agent: string): { hash: string; checks: number; own: number };
  /** The version a unit's agents should run, if any. */
  targetOf(unit: string): string | undefined;
}

export function fleetView(db: Db, options: FleetOptions): FleetAgent[] {
  const rows = db
    .prepare(
      `SELECT a.id, a.unit_id AS unit, a.name AS agent, a.hostname, a.os, a.agent_version AS version,
              a.last_seen, a.clock_offset_ms, a.facts, c.hash, c.state, c.applied_hash, c.errors,
              u.version AS up_version, u.from_version AS up_from, u.state AS up_state,
              u.reason AS up_reason, u.updated_at AS up_at
       FROM agents a LEFT JOIN agent_config c ON c.agent_id = a.id
         LEFT JOIN agent_upgrade u ON u.agent_id = a.id
       WHERE a.revoked_at IS NULL AND (? IS NULL OR a.unit_id = ?)
       ORDER BY a.unit_id, a.name`,
    )
    .all(options.unit ?? null, options.unit ?? null) as Row[];
  return rows.map((row) => {
    const facts = row.facts
      ? (JSON.parse(row.facts) as { node?: string; startedAt?: number; features?: string[] })
      : {};
    const supported = (facts.features ?? []).length > 0;
    const wanted = options.centralOf(row.unit, row.agent);
    const connected = options.isConnected(row.id);
    const flags: FleetFlag[] = [];
    if (row.version && olderVersion(row.version, options.collectorVersion)) flags.push("older");
    if (row.last_seen === null || options.now - row.last_seen > options.silentAfterMs) {
      flags.push("silent");
    }
    if (row.state === "refused") flags.push("refused");
    if (!connected) flags.push("disconnected");
    const target = options.targetOf(row.unit) ?? null;
    const failed = row.up_state === "refused" || row.up_state === "rolled_back";
    if (failed && row.up_version === target && row.version !== target) flags.push("upgrade_failed");
    return {
      unit: row.unit,
      agent: row.agent,
      hostname: row.hostname,
      os: row.os,
      version: row.version,
      node: facts.node ?? null,
      uptimeSeconds:
        facts.startedAt === undefined || row.last_seen === null
          ? null
          : Math.max(0, Math.round((row.last_seen - facts.startedAt) / 1000)),
      lastSeen: row.last_seen,
      connected,
      clockOffsetSeconds: row.clock_offset_ms === null ? null : row.clock_offset_ms / 1000,
      droppedSamples: options.droppedOf(row.id),
      checkErrors: options.checkErrorsOf(row.id),
      bufferedSamples: options.bufferedOf(row.id) ?? null,
      central: {
        supported,
        checks: wanted.checks,
        own: wanted.own,
        hash: wanted.hash,
        state: row.state ?? "none",
        appliedHash: row.applied_hash,
        errors: row.errors ? (JSON.parse(row.errors) as string[]) : [],
      },
      upgrade: {
        target,
        version: row.up_version,
        from: row.up_from,
        state: row.up_state,
        reason: row.up_reason,
        at: row.up_at,
      },
      flags,
    };
  });
}
