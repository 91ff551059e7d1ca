// The agent's one WebSocket to the collector: hello, then batches from the outbox, each kept until
// its ack. Reconnects with exponential backoff and full jitter while the collector is away.
import { WebSocket } from "ws";
import { errorMessage } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import {
  type CollectorMessage,
  collectorMessageSchema,
  type Hello,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
} from "../shared/protocol.js";
import type { Outbox } from "./outbox/outbox.js";
import { type AgentTls, tlsHint } from "./tls.js";

export interface LinkOptions {
  url: string;
  token: string;
  outbox: Outbox;
  hello: Omit<Hello, "type" | "v">;
  log: Logger;
  /** Batches sent and not yet acknowledged, at most. */
  maxInFlight?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Without a ping from the collector for this long, the connection is taken as dead. */
  deadAfterMs?: number;
  /** How long new results wait for others to share their batch; default 1 s. */
  lingerMs?: number;
  /** Called after each welcome, e.g. to report what happened while disconnected. */
  onConnected?: () => void;
  /** How wss:// collectors are trusted (agent/tls.ts). */
  tls?: AgentTls;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), so agents cut off
 * together do not all come back at the same moment. Always within [min, min(max, min·2^attempt)].
 */
export function backoffDelay(
  attempt: number,
  min: number,
  max: number,
  random = Math.random,
): number {
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
  return min + Math.floor(random() * (ceiling - min + 1));
}

export type LinkState = "connecting" | "open" | "closed" | "stopped";

export class Link {
  #socket: WebSocket | undefined;
  #state: LinkState = "closed";
  #inFlight = new Set<number>();
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #deadTimer: NodeJS.Timeout | undefined;
  #welcomed = false;
  #linger: NodeJS.Timeout | undefined;
  readonly #maxInFlight: number;
  /** Fires whenever an ack arrives; used to wait for the outbox to drain. */
  #onAck: (() => void) | undefined;
  /** When refused samples were last logged: at most once a minute, the count is on /metrics. */
  #refusedLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LinkOptions) {
    this.#maxInFlight = options.maxInFlight ?? 4;
    // New results wait up to `lingerMs` so several share one batch: one frame, one ack and one
    // outbox transaction for many check runs instead of one each.
    options.outbox.onReady(() => {
      if (this.#linger) return;
      this.#linger = setTimeout(() => {
        this.#linger = undefined;
        this.#pump();
      }, options.lingerMs ?? 1000);
    });
  }

  get state(): LinkState {
    return this.#state;
  }

  start(): void {
    if (this.#state === "stopped") return;
    this.#connect();
  }

  #connect(): void {
    const { url, token, log } = this.options;
    this.#state = "connecting";
    this.#welcomed = false;
    this.#inFlight.clear();
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 10_000,
      perMessageDeflate: false,
      ...(url.startsWith("wss:") ? this.options.tls : undefined),
    });
    this.#socket = socket;
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode;
      log.error(
        { status },
        status === 401
          ? "collector refused the token (401): check token in agent.yaml, or enroll the agent again"
          : "collector refused the connection",
      );
      response.resume();
      socket.terminate();
    });
    socket.on("open", () => {
      this.#state = "open";
      this.#alive();
      const hello: Hello = { type: "hello", v: PROTOCOL_VERSION, ...this.options.hello };
      socket.send(JSON.stringify(hello));
    });
    socket.on("ping", () => this.#alive());
    socket.on("message", (data) => this.#message(data.toString()));
    socket.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = tlsHint(code);
      if (hint) log.error({ err: errorMessage(error), code, url }, hint);
      else log.warn({ err: errorMessage(error), url }, "connection error");
    });
    socket.on("close", (code, reason) => {
      if (this.#socket !== socket) return;
      clearTimeout(this.#deadTimer);
      this.#socket = undefined;
      this.#inFlight.clear();
      if (this.#state === "stopped") return;
      const wasOpen = this.#welcomed;
      this.#state = "closed";
      if (wasOpen) log.warn({ code, reason: reason.toString() }, "disconnected from the collector");
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(
      this.#attempt,
      this.options.minBackoffMs ?? 1000,
      this.options.maxBackoffMs ?? 60_000,
    );
    this.#attempt++;
    this.options.log.info({ delayMs: delay, attempt: this.#attempt }, "reconnecting later");
    this.#retry = setTimeout(() => this.#connect(), delay);
  }

  #alive(): void {
    clearTimeout(this.#deadTimer);
    this.#deadTimer = setTimeout(() => {
      this.options.log.warn("no ping from the collector; reconnecting");
      this.#socket?.terminate();
    }, this.options.deadAfterMs ?? 75_000);
  }

  #message(text: string): void {
    let message: CollectorMessage;
    try {
      message = collectorMessageSchema.parse(JSON.parse(text));
    } catch (error) {
      this.options.log.error({ err: errorMessage(error) }, "unreadable message from the collector");
      return;
    }
    this.#alive();
    switch (message.type) {
      case "welcome":
        this.#welcomed = true;
        this.#attempt = 0;
        this.options.outbox.raiseSeq(message.lastSeq);
        this.options.outbox.resume();
        this.options.onConnected?.();
        this.options.log.info(
          { unit: message.unit, agent: message.agent },
          "connected to the collector",
        );
        this.#pump();
        break;
      case "refused": {
        // The rest of the batch is stored (its ack follows); these samples never will be.
        let samples = 0;
        for (const count of Object.values(message.samples)) samples += count;
        this.options.outbox.refusedByCollector(samples);
        const now = Date.now();
        if (now - this.#refusedLoggedAt >= 60_000) {
          this.#refusedLoggedAt = now;
          this.options.log.warn(
            { seq: message.seq, refused: message.samples, reason: message.message },
            "collector refused samples",
          );
        }
        break;
      }
      case "ack":
        if (this.#inFlight.delete(message.seq)) this.options.outbox.ack(message.seq);
        this.#onAck?.();
        this.#pump();
        break;
      case "error":
        // A batch refused as invalid would be refused again on every reconnect, and everything
        // after it held back: it is dropped (and counted) instead. The collector closes the
        // connection after an error; what else was in flight goes out again once reconnected.
        if (message.code === "invalid_message" && message.seq !== undefined) {
          this.#inFlight.delete(message.seq);
          const dropped = this.options.outbox.reject(message.seq);
          this.options.log.error(
            {
              seq: message.seq,
              code: message.code,
              reason: message.message,
              droppedSamples: dropped,
            },
            "collector refused a batch",
          );
          break;
        }
        this.options.log.error(
          { code: message.code, reason: message.message },
          "collector refused a message",
        );
        break;
    }
  }

  #pump(): void {
    if (!this.#welcomed || this.#socket?.readyState !== WebSocket.OPEN) return;
    while (this.#inFlight.size < this.#maxInFlight) {
      const batch = this.options.outbox.take();
      if (!batch) return;
      this.#inFlight.add(batch.seq);
      // The outbox keeps batches as JSON text: the frame is assembled, never re-serialized.
      const inventory = batch.inventory ? `,"inventory":${batch.inventory}` : "";
      this.#socket.send(
        `{"type":"batch","v":${PROTOCOL_VERSION},"seq":${batch.seq},"sentAt":${Date.now()},"results":${batch.results},"samples":${batch.samples}${inventory}}`,
      );
    }
  }

  /** Waits until nothing is waiting or in flight, or the time is up; true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    clearTimeout(this.#linger);
    this.#linger = undefined;
    this.#pump();
    while (this.options.outbox.size > 0 && Date.now() < deadline) {
      if (this.#state !== "open") return false;
      await new Promise<void>((resolve) => {
        this.#onAck = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.options.outbox.size === 0;
  }

  async stop(): Promise<void> {
    this.#state = "stopped";
    clearTimeout(this.#retry);
    clearTimeout(this.#linger);
    clearTimeout(this.#deadTimer);
    const socket = this.#socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.close(1000, "agent stopping");
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}
