// The collector's own series about units and agents. giamsat_unit_info for each configured unit;
// and every enrolled agent has a giamsat_agent_connected series, so an agent that does not come
// back after a collector restart is seen as disconnected, not as absent, while a revoked agent has
// none, so alerts about silent agents do not fire for it. Kept in step when agents change; a
// revoked agent's own series (its checks' latest values) leave /metrics at the same time.
import type { UnitConfig } from "../../shared/config/collector.js";
import { REFUSAL_REASONS } from "../../shared/protocol.js";
import type { AgentListing } from "../inspection/readers.js";
import type { CollectorMetrics } from "./self-metrics.js";

type Labels = { unit: string; agent: string };

export function publishUnits(metrics: CollectorMetrics, units: readonly UnitConfig[]): void {
  for (const unit of units) {
    metrics.unitInfo.set(
      { unit: unit.id, name: unit.name, kind: unit.kind, leader: unit.leader?.name ?? "" },
      1,
    );
  }
}

export class AgentSeries {
  readonly #enrolled = new Map<string, Labels>();
  /** Revoked agents whose series were forgotten. */
  readonly #forgotten = new Set<number>();

  constructor(
    private readonly metrics: CollectorMetrics,
    private readonly agents: AgentListing,
    /** Forgets the latest values of an agent's own series (exposition.ts). */
    private readonly forget: (agentId: number) => void,
  ) {}

  /** Adds the series of agents enrolled since the last call and removes those of revoked ones. */
  sync(isConnected: (agentId: number) => boolean): void {
    const { metrics } = this;
    const now = new Map<string, Labels>();
    for (const agent of this.agents.list()) {
      if (agent.revokedAt !== null) {
        if (!this.#forgotten.has(agent.id)) this.forget(agent.id);
        this.#forgotten.add(agent.id);
        continue;
      }
      this.#forgotten.delete(agent.id);
      const labels = { unit: agent.unit, agent: agent.name };
      const key = `${agent.unit}/${agent.name}`;
      now.set(key, labels);
      if (!this.#enrolled.has(key)) {
        if (!isConnected(agent.id)) metrics.agentConnected.set(labels, 0);
        if (agent.lastSeen !== null) metrics.agentLastSeen.set(labels, agent.lastSeen / 1000);
      }
    }
    for (const [key, labels] of this.#enrolled) {
      if (now.has(key)) continue;
      metrics.agentConnected.remove(labels);
      metrics.agentLastSeen.remove(labels);
      metrics.agentClockOffset.remove(labels);
      for (const reason of REFUSAL_REASONS)
        metrics.agentRefusedSamples.remove({ ...labels, reason });
    }
    this.#enrolled.clear();
    for (const [key, labels] of now) this.#enrolled.set(key, labels);
  }
}
