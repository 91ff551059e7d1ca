// Between the package shelf and the agents' sessions: which package an agent is offered when it says
// hello (its unit's target, or the city's, for its platform, if it differs from what it runs), and
// each step it reports, kept for the fleet view and written to the audit log.

import { type Hello, UPGRADE, type Upgrade, type UpgradeStatus } from "../../shared/protocol.js";
import { recordAudit } from "../auth/audit.js";
import type { Db } from "../db/database.js";
import { PackageShelf, type UpgradeSettings } from "./packages.js";

export type UpgradeStep = UpgradeStatus["state"] | "offered";

export interface AgentUpgradeState {
  version: string;
  fromVersion: string | null;
  state: UpgradeStep;
  reason: string | null;
  updatedAt: number;
}

export class UpgradeDesk {
  private shelf: PackageShelf | undefined;

  /** `settings`: collector.yaml's upgrades; undefined when it has none (nothing is offered). */
  constructor(
    private readonly db: Db,
    settings: UpgradeSettings | undefined,
  ) {
    this.shelf = settings ? new PackageShelf(settings) : undefined;
  }

  /** collector.yaml's upgrades read again (SIGHUP). */
  reload(settings: UpgradeSettings | undefined): void {
    if (settings && this.shelf) this.shelf.reconfigure(settings);
    else this.shelf = settings ? new PackageShelf(settings) : undefined;
  }

  get packages(): PackageShelf | undefined {
    return this.shelf;
  }

  targetOf(unit: string): string | undefined {
    return this.shelf?.targetOf(unit);
  }

  /**
   * The `upgrade` message for an agent that said hello, or undefined: it does not announce UPGRADE,
   * runs its target already, has no valid package for its platform, or rolled this version back
   * before (it is not offered again; a newer version is).
   */
  offerFor(
    agent: { id: number; unit: string; name: string },
    hello: Hello,
    now: number,
  ): Omit<Upgrade, "type"> | undefined {
    const target = this.shelf?.targetOf(agent.unit);
    if (!this.shelf || !target || !hello.features?.includes(UPGRADE)) return undefined;
    if (target === hello.agentVersion || hello.platform === undefined) return undefined;
    const last = this.stateOf(agent.id);
    if (last?.version === target && last.state === "rolled_back") return undefined;
    const found = this.shelf.offer(target, hello.platform);
    if (!found) return undefined;
    this.db
      .prepare(
        `INSERT INTO agent_upgrade (agent_id, version, from_version, state, reason, offered_at, updated_at)
         VALUES (?, ?, ?, 'offered', NULL, ?, ?)
         ON CONFLICT (agent_id) DO UPDATE SET version = excluded.version,
           from_version = excluded.from_version, state = 'offered', reason = NULL,
           offered_at = excluded.offered_at, updated_at = excluded.updated_at`,
      )
      .run(agent.id, target, hello.agentVersion, now, now);
    this.#audit(agent, { version: target, state: "offered", from: hello.agentVersion }, now);
    const { version, file, sha256, size, signature } = found;
    return { version, file, sha256, size, signature };
  }

  /** A step the agent reported. */
  reported(
    agent: { id: number; unit: string; name: string },
    status: UpgradeStatus,
    now: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO agent_upgrade (agent_id, version, from_version, state, reason, offered_at, updated_at)
         VALUES (?, ?, NULL, ?, ?, ?, ?)
         ON CONFLICT (agent_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           updated_at = excluded.updated_at,
           from_version = CASE WHEN agent_upgrade.version = excluded.version
             THEN agent_upgrade.from_version END,
           version = excluded.version`,
      )
      .run(agent.id, status.version, status.state, status.reason ?? null, now, now);
    this.#audit(
      agent,
      { version: status.version, state: status.state, reason: status.reason },
      now,
    );
  }

  stateOf(agentId: number): AgentUpgradeState | undefined {
    const row = this.db
      .prepare(
        `SELECT version, from_version AS fromVersion, state, reason, updated_at AS updatedAt
         FROM agent_upgrade WHERE agent_id = ?`,
      )
      .get(agentId) as AgentUpgradeState | undefined;
    return row;
  }

  #audit(
    agent: { unit: string; name: string },
    detail: Record<string, string | undefined>,
    now: number,
  ): void {
    recordAudit(
      this.db,
      {
        actor: `agent:${agent.name}`,
        action: "upgrade",
        unit: agent.unit,
        target: agent.name,
        detail,
      },
      now,
    );
  }
}
