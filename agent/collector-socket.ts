// Opening the agent's WebSocket to the collector, for the link and for `giamsat-agent check`, which
// tests the link once: connect, TLS and pin, the token accepted, the unit and agent named in the
// collector's welcome. A failure gets link-advice.ts's sentence, as in `run`'s log.
import { WebSocket } from "ws";
import { errorMessage } from "../shared/errors.js";
import {
  collectorMessageSchema,
  type Hello,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
} from "../shared/protocol.js";
import { type Advice, adviseError, linkAdvice, problemOfStatus } from "./link-advice.js";
import type { AgentTls } from "./tls.js";

/** Where and how to connect: agent.yaml's collector, token, tlsCa and tlsPin. */
export interface CollectorAddress {
  url: string;
  token: string;
  /** How wss:// collectors are trusted (agent/tls.ts). */
  tls?: AgentTls;
  /** The tlsCa file, for the advice when the collector is not trusted. */
  tlsCa?: string;
}

/** The WebSocket to the collector at `address`, as the link and `giamsat-agent check` open it. */
export function collectorSocket(address: CollectorAddress): WebSocket {
  return new WebSocket(address.url, {
    headers: { Authorization: `Bearer ${address.token}` },
    maxPayload: MAX_FRAME_BYTES,
    handshakeTimeout: 10_000,
    perMessageDeflate: false,
    ...(address.url.startsWith("wss:") ? address.tls : undefined),
  });
}

/** What one test of the link found. */
export type LinkTest =
  | { up: true; unit: string; agent: string; durationMs: number; tls: string }
  | { up: false; advice: Advice; durationMs: number };

/**
 * Connects once as the agent would, says hello and waits for the welcome, then closes. The
 * collector takes this connection for the agent's: a running agent is disconnected and comes back
 * within a few seconds.
 */
export function testLink(
  address: CollectorAddress,
  hello: Omit<Hello, "type" | "v">,
  timeoutMs = 15_000,
): Promise<LinkTest> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const setup = { url: address.url, tlsCa: address.tlsCa };
  return new Promise((resolve) => {
    let settled = false;
    const socket = collectorSocket(address);
    const finish = (result: LinkTest) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("close");
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, "check done");
      else socket.terminate();
      resolve(result);
    };
    const fail = (advice: Advice) => finish({ up: false, advice, durationMs: took() });
    const timer = setTimeout(() => fail(linkAdvice("no_answer", setup)), timeoutMs);
    socket.on("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      fail(linkAdvice(problemOfStatus(status), setup, String(status)));
    });
    // The close that follows an error waits for the error's advice (which may probe for TLS).
    let erred = false;
    socket.on("error", (error) => {
      if (settled || erred) return;
      erred = true;
      void adviseError(error, setup).then(fail);
    });
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "hello", v: PROTOCOL_VERSION, ...hello }));
    });
    socket.on("message", (data) => {
      let message: ReturnType<typeof collectorMessageSchema.parse>;
      try {
        message = collectorMessageSchema.parse(JSON.parse(data.toString()));
      } catch (error) {
        fail(
          linkAdvice("not_a_collector", setup, `(an unreadable message: ${errorMessage(error)})`),
        );
        return;
      }
      if (message.type === "welcome") {
        const tls = !address.url.startsWith("wss:")
          ? "none"
          : address.tls?.pinned
            ? "verified, pin matches"
            : "verified";
        finish({ up: true, unit: message.unit, agent: message.agent, durationMs: took(), tls });
      } else if (message.type === "error") {
        fail(
          message.code === "revoked"
            ? linkAdvice("revoked", setup)
            : linkAdvice("other", setup, `${message.code}: ${message.message}`),
        );
      }
    });
    socket.on("close", (code, reason) => {
      if (erred) return;
      fail(linkAdvice("other", setup, `closed (${code}${reason.length ? ` ${reason}` : ""})`));
    });
  });
}
