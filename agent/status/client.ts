// `giamsat-agent status`'s side: asks the agent holding the buffer file for its state.
import { connect } from "node:net";
import type { AgentStatus } from "./report.js";

/** Why no state came back, in words that say what to do. */
export class NoAgentError extends Error {
  override readonly name = "NoAgentError";
}

export function readStatus(
  endpoint: string,
  bufferPath: string,
  timeoutMs = 5000,
): Promise<AgentStatus> {
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint);
    let text = "";
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(
        new NoAgentError(
          `the agent using ${bufferPath} did not answer within ${timeoutMs / 1000} s (at ${endpoint})`,
        ),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on("end", () => {
      try {
        resolve(JSON.parse(text) as AgentStatus);
      } catch {
        reject(new NoAgentError(`unreadable answer at ${endpoint}: is it a giamsat agent?`));
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
        reject(
          new NoAgentError(
            `no giamsat agent is running with the buffer file ${bufferPath} (nothing answers at ${endpoint}): start it with giamsat-agent run, or see its service's log`,
          ),
        );
      } else if (error.code === "EACCES" || error.code === "EPERM") {
        reject(
          new NoAgentError(
            `not allowed to ask the agent at ${endpoint}: run status as the agent's user, or as root`,
          ),
        );
      } else {
        reject(error);
      }
    });
  });
}
