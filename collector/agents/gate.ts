// The door to /agent and the agents' package downloads: the token checked at the HTTP upgrade (401
// before any WebSocket exists) or the request, and an address that keeps presenting bad tokens held
// back (429) without its tokens even being looked at, one budget for both.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { HttpError } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import { AddressLimiter, addressKey } from "../auth/rate-limit.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { AgentIdentity, AgentStore } from "./registry.js";
import { hashToken } from "./tokens.js";

export interface Admitted {
  agent: AgentIdentity;
  /** SHA-256 of the token, to find out later whether it still works (revoke, rotate). */
  tokenHash: Buffer;
  /** When the token stops working (rotated), or null. */
  tokenExpiresAt: number | null;
}

export interface GateDeps {
  agents: AgentStore;
  metrics: CollectorMetrics;
  log: Logger;
  badTokensPerMinute: number;
  now: () => number;
}

/** Longer than any token giamsat issues; a longer header is not looked up. */
const MAX_TOKEN = 256;
const HELD_BACK = "too many refused agent tokens from this address; try again later";
const REFUSED = "missing, unknown or revoked agent token";

export class AgentGate {
  readonly #badTokens: AddressLimiter;

  constructor(private readonly deps: GateDeps) {
    this.#badTokens = new AddressLimiter(deps.badTokensPerMinute);
  }

  /** The agent the request's token belongs to; otherwise the socket is answered and closed. */
  admit(request: IncomingMessage, socket: Duplex): Admitted | undefined {
    const verdict = this.#judge(request);
    if ("admitted" in verdict) return verdict.admitted;
    if (verdict.waitMs !== undefined) {
      answer(
        socket,
        "429 Too Many Requests",
        `Retry-After: ${Math.ceil(verdict.waitMs / 1000)}\r\n`,
        `${HELD_BACK}\n`,
      );
    } else {
      answer(socket, "401 Unauthorized", "WWW-Authenticate: Bearer\r\n", `${REFUSED}\n`);
    }
    return undefined;
  }

  /**
   * The same door for an agent's plain HTTP requests (its package download): the same budget of
   * bad tokens per address, a refusal thrown as the HttpError it is answered with.
   */
  authorize(request: IncomingMessage): Admitted {
    const verdict = this.#judge(request);
    if ("admitted" in verdict) return verdict.admitted;
    if (verdict.waitMs !== undefined) {
      throw new HttpError(429, HELD_BACK, {
        headers: { "Retry-After": String(Math.ceil(verdict.waitMs / 1000)) },
      });
    }
    throw new HttpError(401, REFUSED, { headers: { "WWW-Authenticate": "Bearer" } });
  }

  /** The request's agent, or why not: held back (with the wait) or a bad token; logged and counted. */
  #judge(request: IncomingMessage): { admitted: Admitted } | { waitMs?: number } {
    const { metrics, log } = this.deps;
    const now = this.deps.now();
    const remote = request.socket.remoteAddress;
    const address = addressKey(remote);
    const wait = this.#badTokens.retryAfterMs(address, now);
    if (wait > 0) {
      metrics.rejectedMessages.inc({ code: "rate_limited" });
      if (this.#badTokens.shouldReport(address, now)) {
        log.warn(
          { remote, reason: "too many refused tokens from this address" },
          "agents refused for a while",
        );
      }
      return { waitMs: wait };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
    const token = match?.[1] && match[1].length <= MAX_TOKEN ? match[1] : undefined;
    const found = token ? this.deps.agents.authenticate(token, now) : undefined;
    if (!token || !found) {
      this.#badTokens.fail(address, now);
      metrics.rejectedMessages.inc({ code: "unauthorized" });
      // The token itself is never logged: a mistyped one is nearly a valid one.
      log.warn(
        { remote, reason: match ? "unknown, revoked or expired token" : "no bearer token" },
        "agent refused",
      );
      return {};
    }
    const { tokenExpiresAt, ...agent } = found;
    return { admitted: { agent, tokenHash: hashToken(token), tokenExpiresAt } };
  }
}

function answer(socket: Duplex, status: string, headers: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status}\r\n${headers}Content-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
