// Where a running agent answers `giamsat-agent status`: the one place that knows the platform. A Unix
// socket beside the buffer file (its folder is the agent's own, writable without privileges, and the
// socket is made readable by the agent's user only); a named pipe on Windows. Both ends compute it
// from buffer.path, so `status` finds the agent that holds that file.
import { createHash } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** sun_path holds 108 bytes on Linux, 104 on macOS; longer paths go to the temporary folder. */
const MAX_SOCKET_PATH = 100;

function shortName(bufferPath: string): string {
  return `giamsat-agent-${createHash("sha256").update(bufferPath).digest("hex").slice(0, 16)}`;
}

export function statusEndpoint(bufferPath: string, platform = process.platform): string {
  if (platform === "win32") return `\\\\.\\pipe\\${shortName(bufferPath)}`;
  const beside = `${bufferPath}.sock`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside;
  return join(tmpdir(), `${shortName(bufferPath)}.sock`);
}

/** A socket file left by an agent that did not stop cleanly; pipes vanish with their process. */
export function removeStaleEndpoint(endpoint: string, platform = process.platform): void {
  if (platform !== "win32") rmSync(endpoint, { force: true });
}

/** Only the agent's user (and root) may connect; a pipe keeps its default, owner-only access. */
export function restrictEndpoint(endpoint: string, platform = process.platform): void {
  if (platform !== "win32") chmodSync(endpoint, 0o600);
}
