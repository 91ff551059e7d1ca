// GET /agent/packages/<file>: an agent downloads the package it was offered from the collector it is
// connected to, with its own token, checked as on /agent (agents/gate.ts: 401, and 429 for an
// address that keeps presenting bad tokens); only packages the shelf offers are served.
import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../../shared/errors.js";
import type { PackageShelf } from "./packages.js";

export function servePackage(
  /** Throws the HttpError (401, 429) a request without a good agent token is answered with. */
  authorize: (request: IncomingMessage) => unknown,
  shelf: PackageShelf | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
): void {
  authorize(request);
  const path = shelf?.pathOf(file);
  if (!path) throw new HttpError(404, `no valid package ${file.slice(0, 200)} on this collector`);
  response.writeHead(200, { "Content-Type": "application/gzip" });
  createReadStream(path)
    .on("error", () => response.destroy())
    .pipe(response);
}
