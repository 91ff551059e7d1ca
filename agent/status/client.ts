// `giamsat-agent status`'s side: asks the agent holding the buffer file for its state.
import { connect } from "node:net";
import type { AgentStatus } from "./report.js";

/** Why no state came back, in words that say what to do. */
export class NoAgentError extends Error {
  override readonly name = "NoAgentError";
}

/** The messages of `giamsat-agent status` when no state comes back. */
export const NO_STATUS = {
  notRunning: (buffer: string, endpoint: string) =>
    `no giamsat agent is running with the buffer file ${buffer} (nothing answers at ${endpoint}): start it with giamsat-agent run, or see its service's log`,
  notAllowed: (endpoint: string) =>
    `not allowed to ask the agent at ${endpoint}: run status as the agent's user, or as root`,
  noAnswer: (buffer: string, endpoint: string, seconds: number) =>
    `the agent using ${buffer} did not answer within ${seconds} s (at ${endpoint})`,
  unreadable: (endpoint: string) => `unreadable answer at ${endpoint}: is it a giamsat agent?`,
};

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
      reject(new NoAgentError(NO_STATUS.noAnswer(bufferPath, endpoint, timeoutMs / 1000)));
    });
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on("end", () => {
      try {
        resolve(JSON.parse(text) as AgentStatus);
      } catch {
        reject(new NoAgentError(NO_STATUS.unreadable(endpoint)));
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
        reject(new NoAgentError(NO_STATUS.notRunning(bufferPath, endpoint)));
      } else if (error.code === "EACCES" || error.code === "EPERM") {
        reject(new NoAgentError(NO_STATUS.notAllowed(endpoint)));
      } else {
        reject(error);
      }
    });
  });
}
