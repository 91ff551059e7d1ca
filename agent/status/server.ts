// The running agent's side of `giamsat-agent status`: a local socket (endpoint.ts) that answers each
// connection with the agent's state as one JSON document, then closes. Nothing is read from the
// client, so there is nothing to parse or refuse.
import { createServer, type Server } from "node:net";
import type { Logger } from "../../shared/log.js";
import { removeStaleEndpoint, restrictEndpoint } from "./endpoint.js";
import type { AgentStatus } from "./report.js";

export interface StatusServer {
  close(): Promise<void>;
}

function listen(server: Server, endpoint: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(endpoint, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Serves `snapshot()` at `endpoint`. The agent holds its buffer file's lock, so a socket already
 * there was left by an agent that died: it is replaced. A failure is logged, never fatal: status is
 * a convenience, the agent's work goes on without it.
 */
export async function serveStatus(
  endpoint: string,
  snapshot: () => AgentStatus,
  log: Logger,
): Promise<StatusServer> {
  const server = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(`${JSON.stringify(snapshot())}\n`);
  });
  try {
    try {
      await listen(server, endpoint);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
      removeStaleEndpoint(endpoint);
      await listen(server, endpoint);
    }
    restrictEndpoint(endpoint);
  } catch (error) {
    log.warn(
      { endpoint, err: (error as Error).message },
      "giamsat-agent status will not reach this agent: its local socket could not be opened",
    );
    return { close: async () => {} };
  }
  server.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        removeStaleEndpoint(endpoint);
      }),
  };
}
