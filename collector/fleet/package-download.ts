// GET /agent/packages/<file>: an agent downloads the package it was offered from the collector it is
// connected to, with its own token (as on /agent); only packages the shelf offers are served.
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../../shared/errors.js";
import type { AgentStore } from "../agents/registry.js";
import type { PackageShelf } from "./packages.js";

/** Longer than any token giamsat issues; a longer header is not looked up. */
const MAX_TOKEN = 256;

export function servePackage(
  agents: AgentStore,
  shelf: PackageShelf | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
): void {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  const token = match?.[1] && match[1].length <= MAX_TOKEN ? match[1] : undefined;
  if (!token || !agents.authenticate(token, Date.now())) {
    throw new HttpError(401, "missing, unknown or revoked agent token", {
      headers: { "WWW-Authenticate": "Bearer" },
    });
  }
  const path = shelf?.pathOf(file);
  if (!path) throw new HttpError(404, `no valid package ${file.slice(0, 200)} on this collector`);
  response.writeHead(200, { "Content-Type": "application/gzip" });
  createReadStream(path)
    .on("error", () => response.destroy())
    .pipe(response);
}
