// TCP services (mail, databases, shared software ports): the port accepts a connection, and
// optionally the service greets with the expected banner ("220" for SMTP, "+OK" for POP3).
import type net from "node:net";
import { tcpCheckSchema } from "../../shared/config/checks/tcp.js";
import { closeConnection, connectTcp, failure } from "./connect.js";
import { defineProbe } from "./probe.js";

/** The banner is looked for in this much of what the server sends. */
const BANNER_LIMIT_BYTES = 64 * 1024;

export const tcpProbe = defineProbe({
  schema: tcpCheckSchema,
  async run(check, ctx) {
    const started = performance.now();
    let socket: net.Socket;
    try {
      socket = await connectTcp({ host: check.host, port: check.port }, ctx.signal);
    } catch (error) {
      return failure(error, ctx.signal);
    }
    const connectMs = performance.now() - started;
    const summary = { connect: `${connectMs.toFixed(1)} ms` };
    try {
      if (check.send !== undefined) socket.write(check.send);
      if (check.expect === undefined) return { up: true, summary };
      const received = await readUntil(socket, check.expect, ctx.signal);
      if (received.found) return { up: true, summary };
      return {
        up: false,
        reason: "content",
        message: `expected ${JSON.stringify(check.expect)}, got ${JSON.stringify(received.text.slice(0, 120))}`,
        summary,
      };
    } catch (error) {
      return failure(error, ctx.signal);
    } finally {
      closeConnection(socket);
    }
  },
});

/**
 * Collects what the server sends until `expected` shows up, the server closes, or the limit is
 * reached. Text is decoded as UTF-8; banners are ASCII.
 */
function readUntil(
  socket: net.Socket,
  expected: string,
  signal: AbortSignal,
): Promise<{ found: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    let text = "";
    let bytes = 0;
    const decoder = new TextDecoder("utf-8");
    const finish = (found: boolean) => {
      socket.off("data", onData);
      socket.off("close", onClose);
      socket.off("error", reject);
      resolve({ found, text });
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      text += decoder.decode(chunk, { stream: true });
      if (text.includes(expected)) finish(true);
      else if (bytes >= BANNER_LIMIT_BYTES) finish(false);
    };
    // Closed by the server (or destroyed at the timeout, which failure() turns into "timeout").
    const onClose = () => (signal.aborted ? reject(signal.reason) : finish(false));
    socket.on("data", onData);
    socket.once("close", onClose);
    socket.once("error", reject);
  });
}
