// Between the store of central checks and the agents' sessions: what an agent is sent, and what it
// answered (applied or refused, with its reasons), kept for the fleet view, and giamsat_agent_info.
import type { Gauge } from "prom-client";
import type { ConfigResult, Hello } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import { centralConfigOf } from "./central-checks.js";

export interface AgentConfigState {
  hash: string;
  state: "sent" | "applied" | "refused";
  /** The last set the agent applied, which it still runs after refusing a newer one. */
  appliedHash: string | undefined;
  errors: string[];
  sentAt: number;
  answeredAt: number | undefined;
}

type InfoLabels = "unit" | "agent" | "version" | "os" | "node" | "config";

export class CentralConfigDesk {
  /** Each agent's giamsat_agent_info labels as last set, so a change replaces the series. */
  readonly #info = new Map<number, Record<InfoLabels, string>>();

  constructor(
    private readonly db: Db,
    private readonly infoGauge?: Gauge<InfoLabels>,
  ) {}

  /** An agent said hello: its facts on /metrics, its config state "none" until it is sent any. */
  hello(agentId: number, labels: { unit: string; agent: string }, hello: Hello): void {
    const takes = hello.features !== undefined && hello.features.length > 0;
    this.#setInfo(agentId, {
      ...labels,
      version: hello.agentVersion,
      os: hello.os,
      node: hello.node ?? "",
      config: takes ? (this.stateOf(agentId)?.state ?? "none") : "none",
    });
  }

  /** A revoked agent's giamsat_agent_info leaves /metrics. */
  forget(agentId: number): void {
    const labels = this.#info.get(agentId);
    if (labels) this.infoGauge?.remove(labels);
    this.#info.delete(agentId);
  }

  #setInfo(agentId: number, labels: Record<InfoLabels, string>): void {
    if (!this.infoGauge) return;
    const before = this.#info.get(agentId);
    if (before) this.infoGauge.remove(before);
    this.#info.set(agentId, labels);
    this.infoGauge.set(labels, 1);
  }

  #setConfigLabel(agentId: number): void {
    const before = this.#info.get(agentId);
    const state = this.stateOf(agentId)?.state;
    if (before && state) this.#setInfo(agentId, { ...before, config: state });
  }

  /** The set an agent is sent: its unit's checks and its own (by the name it enrolled with). */
  configFor(unit: string, agent: string): ReturnType<typeof centralConfigOf> {
    return centralConfigOf(this.db, unit, agent);
  }

  sent(agentId: number, hash: string, now: number): void {
    // A set sent again that the agent already answered keeps its answer until the new one.
    this.db
      .prepare(
        `INSERT INTO agent_config (agent_id, hash, state, errors, sent_at) VALUES (?, ?, 'sent', NULL, ?)
         ON CONFLICT (agent_id) DO UPDATE SET sent_at = excluded.sent_at,
           state = CASE WHEN agent_config.hash = excluded.hash THEN agent_config.state ELSE 'sent' END,
           errors = CASE WHEN agent_config.hash = excluded.hash THEN agent_config.errors END,
           hash = excluded.hash`,
      )
      .run(agentId, hash, now);
    this.#setConfigLabel(agentId);
  }

  answered(agentId: number, result: ConfigResult, now: number): void {
    this.db
      .prepare(
        `UPDATE agent_config SET state = ?, errors = ?, answered_at = ?,
           applied_hash = CASE WHEN ? = 'applied' THEN hash ELSE applied_hash END
         WHERE agent_id = ? AND hash = ?`,
      )
      .run(
        result.state,
        result.errors?.length ? JSON.stringify(result.errors) : null,
        now,
        result.state,
        agentId,
        result.hash,
      );
    this.#setConfigLabel(agentId);
  }

  stateOf(agentId: number): AgentConfigState | undefined {
    const row = this.db
      .prepare(
        "SELECT hash, state, errors, applied_hash, sent_at, answered_at FROM agent_config WHERE agent_id = ?",
      )
      .get(agentId) as
      | {
          hash: string;
          state: AgentConfigState["state"];
          errors: string | null;
          applied_hash: string | null;
          sent_at: number;
          answered_at: number | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      hash: row.hash,
      state: row.state,
      errors: row.errors ? (JSON.parse(row.errors) as string[]) : [],
      appliedHash: row.applied_hash ?? undefined,
      sentAt: row.sent_at,
      answeredAt: row.answered_at ?? undefined,
    };
  }
}
