// Agents' WebSockets: token check at the upgrade, hello/welcome, then batches stored and acknowledged.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { ProtocolError, type ProtocolErrorCode } from "../../shared/errors.js";
import { firstIssue } from "../../shared/issues.js";
import type { Logger } from "../../shared/log.js";
import { METRIC_BY_NAME, METRICS } from "../../shared/metrics.js";
import {
  type AgentMessage,
  agentMessageSchema,
  type Batch,
  batchEnvelopeSchema,
  type CollectorMessage,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
} from "../../shared/protocol.js";
import { checkSamples } from "../../shared/sample-check.js";
import { TokenBucket } from "../auth/rate-limit.js";
import type { LatestValues } from "../prometheus/exposition.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { BatchWriter, Outcome } from "./batch-writer.js";
import { type Admitted, AgentGate } from "./gate.js";
import { nestsDeeperThan } from "./json-depth.js";
import type { AgentIdentity, AgentStore } from "./registry.js";

const HELLO_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 30_000;
/** An agent with this many batches waiting to be written is not read from until it drops to half. */
const MAX_QUEUED_PER_AGENT = 8;
/** Deepest JSON nesting a message may have; a batch with inventory needs about 8. */
const MAX_JSON_DEPTH = 32;
/**
 * Messages an agent may send past its rate while it is being read more slowly. An agent that waits
 * for acks (at most 4 batches in flight) never gets near; one that does not is closed.
 */
const MAX_RATE_DEBT = 32;
/** Agent clocks further off than this are corrected: their timestamps are shifted by the offset. */
const MAX_CLOCK_SKEW_MS = 60_000;
/** Metrics an agent may not send: the collector derives or owns them. */
const NOT_FROM_AGENTS = new Set([
  METRICS.checkUp.name,
  METRICS.checkDuration.name,
  ...[...METRIC_BY_NAME.values()].filter((d) => d.source === "collector").map((d) => d.name),
]);

export interface IngestDeps {
  agents: AgentStore;
  writer: BatchWriter;
  latest: LatestValues;
  metrics: CollectorMetrics;
  log: Logger;
  now?: () => number;
  /** collector.yaml `limits` (the defaults are in its schema). */
  limits: { badTokensPerMinute: number; agentMessagesPerSecond: number };
}

interface Session {
  agent: AgentIdentity;
  /** The agent's labels on the collector's own metrics. */
  labels: { unit: string; agent: string };
  socket: WebSocket;
  greeted: boolean;
  alive: boolean;
  log: Logger;
  /** Batches received and not yet written. */
  queued: number;
  /** Not read from: too many batches waiting to be written... */
  heldByQueue: boolean;
  /** ...or messages coming faster than `agentMessagesPerSecond`. */
  heldByRate: boolean;
  rate: TokenBucket;
  skewWarned: boolean;
  /** SHA-256 of the token the agent connected with, and when that token stops working. */
  tokenHash: Buffer;
  tokenExpiresAt: number | null;
  /** Refused and being closed: nothing more it sends is taken. */
  refused: boolean;
  /** Refused because its token was revoked or expired. */
  revoked: boolean;
}

export class Ingest {
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  readonly #sessions = new Map<number, Session>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #now: () => number;
  readonly #gate: AgentGate;
  readonly #messagesPerSecond: number;
  #closing = false;

  constructor(private readonly deps: IngestDeps) {
    this.#now = deps.now ?? Date.now;
    this.#gate = new AgentGate({
      agents: deps.agents,
      metrics: deps.metrics,
      log: deps.log,
      badTokensPerMinute: deps.limits.badTokensPerMinute,
      now: this.#now,
    });
    this.#messagesPerSecond = deps.limits.agentMessagesPerSecond;
    this.#heartbeat = setInterval(() => this.#ping(), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  isConnected(agentId: number): boolean {
    return this.#sessions.has(agentId);
  }

  get connected(): number {
    return this.#sessions.size;
  }

  /** Answers an HTTP upgrade on /agent: 401 (or 429) before any WebSocket exists unless the token is valid. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closing) {
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      );
      return;
    }
    const admitted = this.#gate.admit(request, socket);
    if (!admitted) return;
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#open(ws, admitted));
  }

  #open(socket: WebSocket, { agent, tokenHash, tokenExpiresAt }: Admitted): void {
    const log = this.deps.log.child({ unit: agent.unit, agent: agent.name });
    const previous = this.#sessions.get(agent.id);
    if (previous) {
      log.info("agent reconnected; closing its previous connection");
      this.#refuse(
        previous,
        new ProtocolError("invalid_message", "replaced by a newer connection"),
      );
    }
    const labels = { unit: agent.unit, agent: agent.name };
    const session: Session = {
      agent,
      labels,
      socket,
      greeted: false,
      alive: true,
      log,
      queued: 0,
      heldByQueue: false,
      heldByRate: false,
      rate: new TokenBucket(this.#messagesPerSecond, this.#messagesPerSecond, this.#now()),
      skewWarned: false,
      tokenHash,
      tokenExpiresAt,
      refused: false,
      revoked: false,
    };
    this.#sessions.set(agent.id, session);
    this.deps.metrics.agentConnected.set(labels, 1);
    this.deps.metrics.connectedAgents.set(this.#sessions.size);
    const helloTimer = setTimeout(() => {
      if (!session.greeted) {
        this.#refuse(session, new ProtocolError("invalid_message", "no hello within 10 s"));
      }
    }, HELLO_TIMEOUT_MS);
    socket.on("pong", () => {
      session.alive = true;
    });
    socket.on("message", (data, isBinary) => this.#message(session, data, isBinary));
    socket.on("error", (error) => {
      // ws reports oversized frames here before closing with 1009.
      const code: ProtocolErrorCode = /max payload/i.test(error.message)
        ? "too_big"
        : "invalid_message";
      this.deps.metrics.rejectedMessages.inc({ code });
      log.warn({ err: error.message }, "agent connection error");
    });
    socket.on("close", (code) => {
      clearTimeout(helloTimer);
      if (this.#sessions.get(agent.id) === session) {
        this.#sessions.delete(agent.id);
        if (session.revoked) {
          // No longer an agent of this city: its series go, so no alert waits for it.
          this.deps.metrics.agentConnected.remove(labels);
          this.deps.metrics.agentLastSeen.remove(labels);
          this.deps.metrics.agentClockOffset.remove(labels);
        } else {
          this.deps.metrics.agentConnected.set(labels, 0);
        }
        this.deps.metrics.connectedAgents.set(this.#sessions.size);
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

  #message(session: Session, data: RawData, isBinary: boolean): void {
    if (this.#closing || session.refused) return;
    if (!this.#withinRate(session)) return;
    try {
      if (isBinary)
        throw new ProtocolError("unsupported_version", "binary frames are not supported");
      if (session.greeted) {
        // Batches are parsed when the writer gets to them (see batch-writer.ts).
        this.#queue(session, data);
        return;
      }
      const message = parseMessage(data);
      this.#seen(session, this.#now());
      if (message.type === "hello") this.#hello(session, message);
      else throw new ProtocolError("invalid_message", "batch before hello");
    } catch (error) {
      if (error instanceof ProtocolError) {
        this.#refuse(session, error);
      } else {
        session.log.error({ err: error }, "storing a batch failed");
        this.#refuse(
          session,
          new ProtocolError("internal", "the collector could not store the batch"),
        );
      }
    }
  }

  #hello(session: Session, hello: Extract<AgentMessage, { type: "hello" }>): void {
    const now = this.#now();
    this.deps.agents.recordHello(session.agent.id, hello, now);
    session.greeted = true;
    this.#send(session.socket, {
      type: "welcome",
      v: PROTOCOL_VERSION,
      agent: session.agent.name,
      unit: session.agent.unit,
      serverTime: now,
      lastSeq: session.agent.lastSeq,
    });
    session.log.info({ hostname: hello.hostname, version: hello.agentVersion }, "agent said hello");
  }

  /** Queues a message of a greeted agent for the writer, which reads it when its turn comes. */
  #queue(session: Session, data: RawData): void {
    const receivedAt = this.#now();
    session.queued++;
    if (session.queued >= MAX_QUEUED_PER_AGENT && !session.heldByQueue) {
      // Back-pressure: stop reading this agent until storage has caught up with it.
      session.heldByQueue = true;
      this.#read(session);
    }
    let seq: number | undefined;
    this.deps.writer.enqueue({
      agent: session.agent,
      batch: () => {
        // Refused meanwhile: nothing more it sent is taken (it is sent again once acknowledged).
        if (session.refused) return undefined;
        const message = parseMessage(data);
        this.#seen(session, receivedAt);
        if (message.type === "hello") {
          this.#hello(session, message);
          return undefined;
        }
        this.#batch(session, message, receivedAt);
        seq = message.seq;
        return message;
      },
      receivedAt,
      done: (outcome) => this.#written(session, seq, outcome),
    });
  }

  /** Checks a parsed batch and corrects its timestamps for the agent's clock. */
  #batch(session: Session, batch: Batch, receivedAt: number): void {
    for (const [i, sample] of batch.samples.entries()) {
      if (NOT_FROM_AGENTS.has(sample.metric)) {
        throw new ProtocolError(
          "invalid_message",
          `samples[${i}].metric: ${sample.metric} is set by the collector, not by agents`,
          { seq: batch.seq },
        );
      }
    }
    const offset = batch.sentAt - receivedAt;
    this.deps.metrics.agentClockOffset.set(session.labels, offset / 1000);
    if (Math.abs(offset) > MAX_CLOCK_SKEW_MS) {
      if (!session.skewWarned) {
        session.skewWarned = true;
        session.log.warn(
          { offsetSeconds: offset / 1000 },
          "agent clock is off; correcting its timestamps",
        );
      }
      shiftTimestamps(batch, -offset);
    }
  }

  #written(session: Session, seq: number | undefined, outcome: Outcome): void {
    session.queued--;
    if (session.heldByQueue && session.queued <= MAX_QUEUED_PER_AGENT / 2) {
      session.heldByQueue = false;
      this.#read(session);
    }
    if (outcome === undefined) return;
    if (outcome instanceof ProtocolError) {
      this.#refuse(session, outcome);
      return;
    }
    if (outcome instanceof Error || seq === undefined) {
      session.log.error({ err: outcome, seq }, "storing a batch failed");
      this.#refuse(
        session,
        new ProtocolError("internal", "the collector could not store the batch"),
      );
      return;
    }
    const now = this.#now();
    if (outcome.stored) {
      this.deps.latest.update(outcome.samples, now);
      this.deps.metrics.ingestedSamples.inc(outcome.samples.length);
      this.deps.metrics.ingestedBatches.inc();
    } else {
      this.deps.metrics.duplicateBatches.inc();
    }
    this.#send(session.socket, { type: "ack", seq });
  }

  /**
   * Takes one message from the agent's budget. Past it the agent is read more slowly (its batches
   * wait in TCP buffers; nothing is lost); an agent that keeps sending regardless is closed.
   */
  #withinRate(session: Session): boolean {
    const now = this.#now();
    const left = session.rate.take(now);
    if (left >= 0) return true;
    if (left < -MAX_RATE_DEBT) {
      this.#refuse(
        session,
        new ProtocolError(
          "rate_limited",
          `more than ${this.#messagesPerSecond} messages a second without waiting for acks`,
        ),
      );
      return false;
    }
    if (!session.heldByRate) {
      session.heldByRate = true;
      this.#read(session);
      setTimeout(() => {
        session.heldByRate = false;
        this.#read(session);
      }, session.rate.waitMs(now)).unref();
    }
    return true;
  }

  /** Reads from the agent unless storage or its rate says to wait. */
  #read(session: Session): void {
    const hold = session.heldByQueue || session.heldByRate;
    if (hold && !session.socket.isPaused) session.socket.pause();
    else if (!hold && session.socket.isPaused && !this.#closing) session.socket.resume();
  }

  #seen(session: Session, at: number): void {
    this.deps.metrics.agentLastSeen.set(session.labels, at / 1000);
  }

  #send(socket: WebSocket, message: CollectorMessage): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  #refuse(session: Session, error: ProtocolError): void {
    if (session.refused) return;
    session.refused = true;
    if (error.code === "revoked") session.revoked = true;
    this.deps.metrics.rejectedMessages.inc({ code: error.code });
    session.log.warn({ code: error.code, reason: error.message }, "agent message refused");
    this.#send(session.socket, {
      type: "error",
      code: error.code,
      message: error.message,
      ...(error.seq === undefined ? {} : { seq: error.seq }),
    });
    session.socket.close(error.closeCode, error.message.slice(0, 120));
    // Read again so the agent's close frame arrives; what else it sent is no longer taken.
    if (session.socket.isPaused) session.socket.resume();
    // A peer that ignores the close handshake is cut off.
    setTimeout(() => session.socket.terminate(), 2000).unref();
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
          this.#refuse(session, new ProtocolError("revoked", "the agent's token was revoked"));
        } else {
          session.tokenExpiresAt = expiresAt;
        }
      }
    }
    for (const session of sessions) {
      if (session.tokenExpiresAt !== null && session.tokenExpiresAt <= now) {
        session.tokenExpiresAt = null;
        this.#refuse(session, new ProtocolError("revoked", "the agent's token expired"));
      }
    }
  }

  #ping(): void {
    for (const session of this.#sessions.values()) {
      if (!session.alive) {
        session.log.warn("agent stopped answering pings; closing");
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }

  /** Stops taking batches, writes and acknowledges those already received, then closes. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const session of this.#sessions.values()) session.socket.pause();
    this.#closing = true;
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

function parseMessage(data: RawData): AgentMessage {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    throw new ProtocolError(
      "invalid_message",
      `message nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(data.toString());
  } catch {
    throw new ProtocolError("invalid_message", "message is not valid JSON");
  }
  // The version is looked at first: a newer agent's message may not fit this version's schema at all.
  const version = (json as { v?: unknown } | null)?.v;
  if (
    typeof json === "object" &&
    json !== null &&
    version !== undefined &&
    version !== PROTOCOL_VERSION
  ) {
    throw new ProtocolError(
      "unsupported_version",
      `protocol version ${JSON.stringify(version)} is not supported (this collector speaks ${PROTOCOL_VERSION})`,
    );
  }
  const parsed = (
    (json as { type?: unknown } | null)?.type === "batch" ? batchEnvelopeSchema : agentMessageSchema
  ).safeParse(json);
  if (!parsed.success) {
    const { where, message } = firstIssue(parsed.error);
    const seq = (json as { seq?: unknown } | null)?.seq;
    throw new ProtocolError(
      "invalid_message",
      `invalid message: ${where ? `${where}: ` : ""}${message}`,
      Number.isSafeInteger(seq) ? { seq: seq as number } : {},
    );
  }
  if (parsed.data.type === "batch") {
    const problem = checkSamples(parsed.data.samples);
    if (problem) {
      throw new ProtocolError("invalid_message", `invalid message: ${problem}`, {
        seq: parsed.data.seq,
      });
    }
  }
  return parsed.data as AgentMessage;
}

/** Moves every timestamp of the batch by `delta` ms (clock-skew correction). */
function shiftTimestamps(batch: Batch, delta: number): void {
  for (const result of batch.results) result.ts += delta;
  for (const sample of batch.samples) sample.ts += delta;
  for (const item of batch.inventory ?? []) item.ts += delta;
}
