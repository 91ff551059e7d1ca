// One agent's connection, from the upgrade to the close, in named states: awaiting its hello,
// open (its batches are queued for the writer and acknowledged once stored, after a `refused`
// message when samples were left out), refused (an error was sent and the socket is closing:
// nothing more it sends is taken) and closed.
import { type RawData, WebSocket } from "ws";
import { ProtocolError, type ProtocolErrorCode } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import {
  type AgentMessage,
  type Batch,
  CENTRAL_CONFIG,
  type CollectorMessage,
  type ConfigResult,
  DISCOVERY,
  type Discover,
  type DiscoveryReport,
  PROTOCOL_VERSION,
} from "../../shared/protocol.js";
import type { CentralConfigDesk } from "../fleet/config-desk.js";
import type { UpgradeDesk } from "../fleet/upgrade-desk.js";
import type { LatestValues } from "../prometheus/exposition.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { BatchWriter, Outcome } from "./batch-writer.js";
import { FlowControl } from "./flow-control.js";
import type { Admitted } from "./gate.js";
import { checkBatch, parseMessage, shiftTimestamps } from "./messages.js";
import type { RefusalReport } from "./refusals.js";
import type { AgentIdentity, AgentStore } from "./registry.js";

/** Agent clocks further off than this are corrected: their timestamps are shifted by the offset. */
const MAX_CLOCK_SKEW_MS = 60_000;

export type SessionState =
  | { name: "awaiting_hello" }
  | { name: "open" }
  | { name: "refused"; code: ProtocolErrorCode }
  | { name: "closed"; refused: ProtocolErrorCode | undefined };

export interface SessionDeps {
  agents: AgentStore;
  writer: BatchWriter;
  latest: LatestValues;
  metrics: CollectorMetrics;
  now: () => number;
  messagesPerSecond: number;
  /** The collector is stopping: nothing more is taken, and a paused socket stays paused. */
  stopping: () => boolean;
  /** Where an agent's refused samples are counted and logged; one per agent, across connections. */
  refusals: (agent: AgentIdentity, labels: { unit: string; agent: string }) => RefusalReport;
  /** The central checks agents are sent, and where their answers are kept. */
  central: CentralConfigDesk;
  /** The packages agents are offered, and the steps they report. */
  upgrades: UpgradeDesk;
  /** A discovery run's report from the agent (collector/discovery/). */
  onDiscovery?: (agent: AgentIdentity, report: DiscoveryReport) => void;
  /** The agent said hello (after its welcome is sent). */
  onHello?: (agent: AgentIdentity) => void;
}

export class AgentSession {
  #state: SessionState = { name: "awaiting_hello" };
  /** The heartbeat: whether the agent answered the last ping. */
  #ping: "answered" | "unanswered" = "answered";
  readonly agent: AgentIdentity;
  /** The agent's labels on the collector's own metrics. */
  readonly labels: { unit: string; agent: string };
  /** SHA-256 of the token the agent connected with, and when that token stops working. */
  readonly tokenHash: Buffer;
  tokenExpiresAt: number | null;
  readonly #flow: FlowControl;
  readonly #refusals: RefusalReport;
  #skewReported = false;
  /** The agent's last hello: what it runs and can take, for an upgrade offered later. */
  #lastHello: Extract<AgentMessage, { type: "hello" }> | undefined;
  /** What the agent's hello announced it can do beyond batches (AGENT_FEATURES). */
  features: ReadonlySet<string> = new Set();

  constructor(
    private readonly deps: SessionDeps,
    readonly socket: WebSocket,
    admitted: Admitted,
    readonly log: Logger,
  ) {
    this.agent = admitted.agent;
    this.labels = { unit: admitted.agent.unit, agent: admitted.agent.name };
    this.tokenHash = admitted.tokenHash;
    this.tokenExpiresAt = admitted.tokenExpiresAt;
    this.#flow = new FlowControl(socket, deps.messagesPerSecond, deps.now(), deps.stopping);
    this.#refusals = deps.refusals(this.agent, this.labels);
  }

  get state(): SessionState {
    return this.#state;
  }

  /** The code the session was refused with; undefined while it was not. */
  get refusal(): ProtocolErrorCode | undefined {
    if (this.#state.name === "refused") return this.#state.code;
    return this.#state.name === "closed" ? this.#state.refused : undefined;
  }

  /** One frame from the agent. */
  message(data: RawData, isBinary: boolean): void {
    if (this.deps.stopping() || this.refusal !== undefined) return;
    if (this.#flow.take(this.deps.now()) === "too_fast") {
      const perSecond = this.#flow.perSecond;
      const why = `more than ${perSecond} messages a second without waiting for acks`;
      this.refuse(new ProtocolError("rate_limited", why));
      return;
    }
    try {
      if (isBinary) {
        throw new ProtocolError("unsupported_version", "binary frames are not supported");
      }
      if (this.#state.name === "open") {
        // Batches are parsed when the writer gets to them (see batch-writer.ts).
        this.#queue(data);
        return;
      }
      const message = parseMessage(data);
      this.#seen(this.deps.now());
      if (message.type === "hello") this.#hello(message);
      else throw new ProtocolError("invalid_message", `${message.type} before hello`);
    } catch (error) {
      this.#failed(error);
    }
  }

  #hello(hello: Extract<AgentMessage, { type: "hello" }>): void {
    const now = this.deps.now();
    this.features = new Set(hello.features ?? []);
    this.deps.agents.recordHello(this.agent.id, hello, now);
    if (this.#state.name === "awaiting_hello") this.#state = { name: "open" };
    this.#send({
      type: "welcome",
      v: PROTOCOL_VERSION,
      agent: this.agent.name,
      unit: this.agent.unit,
      serverTime: now,
      lastSeq: this.agent.lastSeq,
    });
    this.log.info({ hostname: hello.hostname, version: hello.agentVersion }, "agent said hello");
    this.deps.central.hello(this.agent.id, this.labels, hello);
    this.pushCentralChecks();
    this.deps.onHello?.(this.agent);
    this.#lastHello = hello;
    this.offerUpgrade();
  }

  /** Offers the agent its unit's target version, when it has one to take; true when it did. */
  offerUpgrade(): boolean {
    if (this.#state.name !== "open" || !this.#lastHello) return false;
    const offer = this.deps.upgrades.offerFor(this.agent, this.#lastHello, this.deps.now());
    if (!offer) return false;
    this.log.info(
      { from: this.#lastHello.agentVersion, to: offer.version },
      "agent offered an upgrade",
    );
    this.#send({ type: "upgrade", ...offer });
    return true;
  }

  /** Sends the unit's and its own central checks to an agent that takes them; older ones get none. */
  pushCentralChecks(): void {
    if (!this.features.has(CENTRAL_CONFIG) || this.#state.name !== "open") return;
    const { hash, checks } = this.deps.central.configFor(this.agent.unit, this.agent.name);
    this.deps.central.sent(this.agent.id, hash, this.deps.now());
    this.#send({ type: "config", v: PROTOCOL_VERSION, hash, checks });
  }

  #configResult(result: ConfigResult): void {
    this.deps.central.answered(this.agent.id, result, this.deps.now());
    if (result.state === "refused") {
      this.log.warn(
        { hash: result.hash, errors: result.errors },
        "agent refused its central checks",
      );
    }
  }

  /** Asks the agent for a discovery run; only for an open session announcing "discovery". */
  discover(request: Discover): boolean {
    if (this.#state.name !== "open" || !this.features.has(DISCOVERY)) return false;
    this.#send(request);
    return true;
  }

  /** Queues a message of an open session for the writer, which reads it when its turn comes. */
  #queue(data: RawData): void {
    const receivedAt = this.deps.now();
    this.#flow.queued();
    let seq: number | undefined;
    this.deps.writer.enqueue({
      agent: this.agent,
      batch: () => {
        // Refused meanwhile: nothing more it sent is taken (it is sent again once acknowledged).
        if (this.refusal !== undefined) return undefined;
        const message = parseMessage(data);
        this.#seen(receivedAt);
        if (message.type === "hello") {
          this.#hello(message);
          return undefined;
        }
        if (message.type === "config_result") {
          this.#configResult(message);
          return undefined;
        }
        if (message.type === "upgrade_status") {
          this.deps.upgrades.reported(this.agent, message, this.deps.now());
          this.log.info({ ...message, type: undefined }, "agent upgrade step");
          return undefined;
        }
        if (message.type === "discovery") {
          this.deps.onDiscovery?.(this.agent, message);
          return undefined;
        }
        this.#batch(message, receivedAt);
        seq = message.seq;
        return message;
      },
      receivedAt,
      done: (outcome) => this.#written(seq, outcome),
    });
  }

  /** Checks a parsed batch and corrects its timestamps for the agent's clock. */
  #batch(batch: Batch, receivedAt: number): void {
    checkBatch(batch);
    const offset = batch.sentAt - receivedAt;
    this.deps.metrics.agentClockOffset.set(this.labels, offset / 1000);
    if (Math.abs(offset) > MAX_CLOCK_SKEW_MS) {
      if (!this.#skewReported) {
        this.#skewReported = true;
        this.log.warn(
          { offsetSeconds: offset / 1000 },
          "agent clock is off; correcting its timestamps",
        );
      }
      shiftTimestamps(batch, -offset);
    }
  }

  #written(seq: number | undefined, outcome: Outcome): void {
    this.#flow.written();
    if (outcome === undefined) return;
    if (outcome instanceof ProtocolError) {
      this.refuse(outcome);
      return;
    }
    if (outcome instanceof Error || seq === undefined) {
      this.log.error({ err: outcome, seq }, "storing a batch failed");
      this.refuse(new ProtocolError("internal", "the collector could not store the batch"));
      return;
    }
    const now = this.deps.now();
    if (outcome.stored) {
      this.deps.latest.update(outcome.samples, now);
      this.deps.metrics.ingestedSamples.inc(outcome.samples.length);
      this.deps.metrics.ingestedBatches.inc();
      const { refused } = outcome;
      if (refused.total > 0) {
        this.#refusals.report(refused, now);
        // Before the ack, so the agent has counted them when the batch leaves its outbox.
        this.#send({
          type: "refused",
          seq,
          samples: refused.samples,
          message: refused.first ?? "",
        });
      }
    } else {
      this.deps.metrics.duplicateBatches.inc();
    }
    this.#send({ type: "ack", seq });
  }

  /** A message that could not be taken: a ProtocolError is the agent's, anything else ours. */
  #failed(error: unknown): void {
    if (error instanceof ProtocolError) {
      this.refuse(error);
      return;
    }
    this.log.error({ err: error }, "storing a batch failed");
    this.refuse(new ProtocolError("internal", "the collector could not store the batch"));
  }

  #seen(at: number): void {
    this.deps.metrics.agentLastSeen.set(this.labels, at / 1000);
  }

  #send(message: CollectorMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Tells the agent why, closes the connection, and takes nothing more from it. */
  refuse(error: ProtocolError): void {
    if (this.refusal !== undefined) return;
    // A batch read after the socket closed can still be refused: counted, and no more taken.
    this.#state =
      this.#state.name === "closed"
        ? { name: "closed", refused: error.code }
        : { name: "refused", code: error.code };
    this.deps.metrics.rejectedMessages.inc({ code: error.code });
    this.log.warn({ code: error.code, reason: error.message }, "agent message refused");
    this.#send({
      type: "error",
      code: error.code,
      message: error.message,
      ...(error.seq === undefined ? {} : { seq: error.seq }),
    });
    this.socket.close(error.closeCode, error.message.slice(0, 120));
    // Read again so the agent's close frame arrives; what else it sent is no longer taken.
    if (this.socket.isPaused) this.socket.resume();
    // A peer that ignores the close handshake is cut off.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  /** The socket closed; the code the session was refused with, if it was. */
  closed(): ProtocolErrorCode | undefined {
    const refused = this.refusal;
    this.#state = { name: "closed", refused };
    return refused;
  }

  /** The agent answered a ping. */
  pong(): void {
    this.#ping = "answered";
  }

  /** Pings the agent; false (and nothing sent) when it did not answer the last ping. */
  ping(): boolean {
    if (this.#ping === "unanswered") return false;
    this.#ping = "unanswered";
    this.socket.ping();
    return true;
  }
}
