// The agent's one WebSocket to the collector: hello, then batches from the outbox, each kept until
// its ack. Reconnects when link-reconnect.ts says (with backoff while the collector is away, slowly
// when it refused the token); says what went wrong in link-advice.ts's words.
import { WebSocket } from "ws";
import { errorMessage } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import {
  type CollectorMessage,
  type ConfigMessage,
  type ConfigResult,
  collectorMessageSchema,
  type Discover,
  type DiscoveryReport,
  type Hello,
  PROTOCOL_VERSION,
  type Upgrade,
  type UpgradeStatus,
} from "../shared/protocol.js";
import { type CollectorAddress, collectorSocket } from "./collector-socket.js";
import {
  type Advice,
  adviseError,
  type LinkSetup,
  linkAdvice,
  problemOfStatus,
} from "./link-advice.js";
import { ReconnectPolicy } from "./link-reconnect.js";
import type { LinkState, LinkStatus } from "./link-status.js";
import type { Outbox } from "./outbox/outbox.js";

export interface LinkOptions extends CollectorAddress {
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
  /** The collector sent the central checks (only to a hello naming CENTRAL_CONFIG). */
  onConfig?: (message: ConfigMessage) => void;
  /** A discovery run the collector asks for (sent only to agents announcing "discovery"). */
  onDiscover?: (request: Discover) => void;
  /** A package to upgrade to (sent only to agents announcing "upgrade"). */
  onUpgrade?: (offer: Upgrade) => void;
}

export class Link {
  #socket: WebSocket | undefined;
  #state: LinkState = "closed";
  #since = Date.now();
  #address: CollectorAddress;
  #hello: Omit<Hello, "type" | "v">;
  #welcome: { unit: string; agent: string } | undefined;
  #problem: (Advice & { at: number }) | undefined;
  readonly #reconnect: ReconnectPolicy;
  #inFlight = new Set<number>();
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
    this.#address = options;
    this.#hello = options.hello;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#reconnect = new ReconnectPolicy(
      options.minBackoffMs ?? 1000,
      options.maxBackoffMs ?? 60_000,
    );
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

  /**
   * Sends an answer to a `config` or a discovery run's report now; lost when the connection is
   * down (a config is sent again on connect, a discovery report by its runner).
   */
  send(message: ConfigResult | DiscoveryReport | UpgradeStatus): void {
    if (this.#welcomed && this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify(message));
    }
  }

  get state(): LinkState {
    return this.#state;
  }

  get status(): LinkStatus {
    return {
      state: this.#state,
      since: this.#since,
      url: this.#address.url,
      ...this.#welcome,
      problem: this.#problem,
      revoked: this.#reconnect.revoked,
    };
  }

  /** True once the collector revoked this agent: its results would never be accepted. */
  get revoked(): boolean {
    return this.#reconnect.revoked;
  }

  #setState(state: LinkState): void {
    if (state !== this.#state) this.#since = Date.now();
    this.#state = state;
  }

  get #setup(): LinkSetup {
    return { url: this.#address.url, tlsCa: this.#address.tlsCa };
  }

  /** Says what went wrong: at error level when it is new, quietly when it repeats. */
  #report(advice: Advice, fields: Record<string, unknown> = {}): void {
    const repeated = this.#problem?.message === advice.message;
    this.#problem = { ...advice, at: Date.now() };
    const line = { problem: advice.problem, url: this.#address.url, ...fields };
    if (repeated) this.options.log.debug(line, advice.message);
    else this.options.log.error(line, advice.message);
  }

  /**
   * Connects with another address or hello (agent.yaml reloaded): the current connection closes,
   * the next one starts at once, and a refusal of the old token no longer holds.
   */
  reconfigure(address: CollectorAddress, hello: Omit<Hello, "type" | "v"> = this.#hello): void {
    this.#address = address;
    this.#hello = hello;
    this.#reconnect.reset();
    this.#problem = undefined;
    if (this.#state === "stopped") return;
    clearTimeout(this.#retry);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.terminate();
    this.#connect();
  }

  start(): void {
    if (this.#state === "stopped") return;
    this.#connect();
  }

  #connect(): void {
    this.#setState("connecting");
    this.#welcomed = false;
    this.#inFlight.clear();
    const socket = collectorSocket(this.#address);
    this.#socket = socket;
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      const problem = problemOfStatus(status);
      if (problem === "token") this.#reconnect.tokenRefused();
      this.#report(linkAdvice(problem, this.#setup, String(status)), { status });
      response.resume();
      socket.terminate();
    });
    socket.on("open", () => {
      this.#setState("open");
      this.#alive();
      const hello: Hello = { type: "hello", v: PROTOCOL_VERSION, ...this.#hello };
      socket.send(JSON.stringify(hello));
    });
    socket.on("ping", () => this.#alive());
    socket.on("message", (data) => this.#message(data.toString()));
    socket.on("error", (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      void adviseError(error, this.#setup).then((advice) => {
        if (this.#socket === socket || this.#socket === undefined) {
          this.#report(advice, { err: errorMessage(error), code });
        }
      });
    });
    socket.on("close", (code, reason) => {
      if (this.#socket !== socket) return;
      clearTimeout(this.#deadTimer);
      this.#socket = undefined;
      this.#inFlight.clear();
      if (this.#state === "stopped") return;
      const wasOpen = this.#welcomed;
      this.#setState("closed");
      if (wasOpen) {
        this.options.log.warn(
          { code, reason: reason.toString() },
          "disconnected from the collector",
        );
      }
      const next = this.#reconnect.next();
      this.options.log.info(next, "reconnecting later");
      this.#retry = setTimeout(() => this.#connect(), next.delayMs);
    });
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
        this.#reconnect.reset();
        this.#problem = undefined;
        this.#welcome = { unit: message.unit, agent: message.agent };
        this.options.outbox.raiseSeq(message.lastSeq);
        this.options.outbox.resume();
        this.options.onConnected?.();
        this.options.log.info(
          { unit: message.unit, agent: message.agent },
          "connected to the collector",
        );
        this.#pump();
        break;
      case "config":
        this.options.onConfig?.(message);
        return;
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
      case "discover":
        this.options.onDiscover?.(message);
        break;
      case "upgrade":
        this.options.onUpgrade?.(message);
        break;
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
        if (message.code === "revoked") {
          this.#reconnect.agentRevoked();
          this.#report(linkAdvice("revoked", this.#setup), { reason: message.message });
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
    this.#setState("stopped");
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
