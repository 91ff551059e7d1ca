// Agents' WebSockets on /agent: the token checked at the upgrade (gate.ts), then one session per
// agent (session.ts), a newer connection replacing an older one, a heartbeat, tokens checked
// again when the database changes, and a stop that stores and acknowledges what was received.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { ProtocolError, type ProtocolErrorCode } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import { DISCOVERY, MAX_FRAME_BYTES } from "../../shared/protocol.js";
import type { CentralConfigDesk } from "../fleet/config-desk.js";
import type { UpgradeDesk } from "../fleet/upgrade-desk.js";
import type { LatestValues } from "../prometheus/exposition.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { BatchWriter } from "./batch-writer.js";
import { type Admitted, AgentGate } from "./gate.js";
import { RefusalReport } from "./refusals.js";
import type { AgentStore } from "./registry.js";
import { AgentSession, type SessionDeps } from "./session.js";

const HELLO_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;

export interface IngestDeps {
  agents: AgentStore;
  writer: BatchWriter;
  latest: LatestValues;
  metrics: CollectorMetrics;
  log: Logger;
  central: CentralConfigDesk;
  upgrades: UpgradeDesk;
  now?: () => number;
  /** A discovery run's report from an agent. */
  onDiscovery?: SessionDeps["onDiscovery"];
  /** An agent said hello. */
  onHello?: SessionDeps["onHello"];
  /** collector.yaml `limits` (the defaults are in its schema). */
  limits: { badTokensPerMinute: number; agentMessagesPerSecond: number };
}

export class Ingest {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  readonly #sessions = new Map<number, AgentSession>();
  /** Each agent's refused samples, kept across its connections so their log stays once a minute. */
  readonly #refusals = new Map<number, RefusalReport>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #gate: AgentGate;
  readonly #sessionDeps: SessionDeps;
  #stopping = false;

  constructor(private readonly deps: IngestDeps) {
    const now = deps.now ?? Date.now;
    this.#gate = new AgentGate({
      agents: deps.agents,
      metrics: deps.metrics,
      log: deps.log,
      badTokensPerMinute: deps.limits.badTokensPerMinute,
      now,
    });
    this.#sessionDeps = {
      agents: deps.agents,
      writer: deps.writer,
      latest: deps.latest,
      metrics: deps.metrics,
      now,
      messagesPerSecond: deps.limits.agentMessagesPerSecond,
      stopping: () => this.#stopping,
      central: deps.central,
      upgrades: deps.upgrades,
      onDiscovery: deps.onDiscovery,
      onHello: deps.onHello,
      refusals: (agent, labels) => {
        let report = this.#refusals.get(agent.id);
        if (!report) {
          const log = deps.log.child({ unit: labels.unit, agent: labels.agent });
          report = new RefusalReport(deps.metrics.agentRefusedSamples, labels, log);
          this.#refusals.set(agent.id, report);
        }
        report.expose();
        return report;
      },
    };
    this.#heartbeat = setInterval(() => this.#ping(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** Sends the central checks again to the connected agents of these units (all when undefined). */
  pushCentralChecks(units?: readonly string[]): number {
    let sent = 0;
    for (const session of this.#sessions.values()) {
      if (units !== undefined && !units.includes(session.agent.unit)) continue;
      session.pushCentralChecks();
      sent++;
    }
    return sent;
  }

  /** Offers each connected agent its target version (collector.yaml read again); how many were. */
  offerUpgrades(): number {
    let offered = 0;
    for (const session of this.#sessions.values()) if (session.offerUpgrade()) offered++;
    return offered;
  }

  /** An open session of the unit's agents whose hello announced discovery, if any. */
  discoveryAgent(unit: string): AgentSession | undefined {
    for (const session of this.#sessions.values()) {
      if (session.agent.unit === unit && session.features.has(DISCOVERY)) {
        if (session.state.name === "open") return session;
      }
    }
    return undefined;
  }

  isConnected(agentId: number): boolean {
    return this.#sessions.has(agentId);
  }

  get connected(): number {
    return this.#sessions.size;
  }

  /** An agent's plain HTTP request (its package download), through the same door as /agent. */
  authorize(request: IncomingMessage): Admitted {
    return this.#gate.authorize(request);
  }

  /** Answers an HTTP upgrade on /agent: 401 (or 429) before any WebSocket exists unless the token is valid. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#stopping) {
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      );
      return;
    }
    const admitted = this.#gate.admit(request, socket);
    if (!admitted) return;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#open(ws, admitted));
  }

  #open(socket: WebSocket, admitted: Admitted): void {
    const { agent, tokenExpiresAt } = admitted;
    const { metrics } = this.deps;
    const log = this.deps.log.child({ unit: agent.unit, agent: agent.name });
    const previous = this.#sessions.get(agent.id);
    if (previous) {
      log.info("agent reconnected; closing its previous connection");
      previous.refuse(new ProtocolError("invalid_message", "replaced by a newer connection"));
    }
    const session = new AgentSession(this.#sessionDeps, socket, admitted, log);
    const { labels } = session;
    this.#sessions.set(agent.id, session);
    metrics.agentConnected.set(labels, 1);
    metrics.connectedAgents.set(this.#sessions.size);
    const helloTimer = setTimeout(() => {
      if (session.state.name === "awaiting_hello") {
        session.refuse(new ProtocolError("invalid_message", "no hello within 10 s"));
      }
    }, HELLO_TIMEOUT_MS);
    socket.on("pong", () => session.pong());
    socket.on("message", (data, isBinary) => session.message(data, isBinary));
    socket.on("error", (error) => {
      // ws reports oversized frames here before closing with 1009.
      const code: ProtocolErrorCode = /max payload/i.test(error.message)
        ? "too_big"
        : "invalid_message";
      metrics.rejectedMessages.inc({ code });
      log.warn({ err: error.message }, "agent connection error");
    });
    socket.on("close", (code) => {
      clearTimeout(helloTimer);
      const refused = session.closed();
      if (this.#sessions.get(agent.id) === session) {
        this.#sessions.delete(agent.id);
        if (refused === "revoked") {
          // No longer an agent of this city: its series go, so no alert waits for it.
          metrics.agentConnected.remove(labels);
          metrics.agentLastSeen.remove(labels);
          metrics.agentClockOffset.remove(labels);
          this.deps.central.forget(agent.id);
        } else {
          metrics.agentConnected.set(labels, 0);
        }
        metrics.connectedAgents.set(this.#sessions.size);
      }
      log.info({ code }, "agent disconnected");
    });
    log.info("agent connected");
    if (tokenExpiresAt !== null) {
      log.warn(
        { expiresAt: new Date(tokenExpiresAt).toISOString() },
        "agent uses a rotated token that will stop working; install its new agent.yaml",
      );
    }
  }

  /**
   * Closes connections whose token stopped working: revoked, or rotated and past its grace period.
   * `changed`: the database changed (e.g. `revoke` or `rotate` ran), so the tokens are read again.
   */
  checkTokens(now: number, changed: boolean): void {
    const sessions = [...this.#sessions.values()];
    if (changed && sessions.length > 0) {
      const live = this.deps.agents.liveTokens(
        sessions.map((s) => s.tokenHash),
        now,
      );
      for (const session of sessions) {
        const expiresAt = live.get(session.tokenHash.toString("hex"));
        if (expiresAt === undefined) {
          session.refuse(new ProtocolError("revoked", "the agent's token was revoked"));
        } else {
          session.tokenExpiresAt = expiresAt;
        }
      }
    }
    for (const session of sessions) {
      if (session.tokenExpiresAt !== null && session.tokenExpiresAt <= now) {
        session.tokenExpiresAt = null;
        session.refuse(new ProtocolError("revoked", "the agent's token expired"));
      }
    }
  }

  #ping(): void {
    for (const session of this.#sessions.values()) {
      if (!session.ping()) {
        session.log.warn("agent stopped answering pings; closing");
        session.socket.terminate();
      }
    }
  }

  /** Stops taking batches, writes and acknowledges those already received, then closes. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const session of this.#sessions.values()) session.socket.pause();
    this.#stopping = true;
    await this.deps.writer.drained();
    for (const session of this.#sessions.values()) {
      // Reading again lets the close handshake complete; batches arriving now are not taken.
      session.socket.resume();
      session.socket.close(1001, "collector stopping");
      setTimeout(() => session.socket.terminate(), 1000).unref();
    }
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
