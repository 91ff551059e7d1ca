// Opening TCP and TLS connections for the probes, stopped when the check's signal fires, and the
// outcome a failed connection gives (its reason from reasons.ts).
import { readFile } from "node:fs/promises";
import net from "node:net";
import tls from "node:tls";
import type { Endpoint } from "../../shared/config/checks/endpoint.js";
import type { Reason } from "../../shared/protocol.js";
import type { ProbeOutcome } from "./probe.js";
import { reasonOfError } from "./reasons.js";

/** Words for the errors whose own message says little ("getaddrinfo ENOTFOUND x"). */
function describeError(
  error: NodeJS.ErrnoException & { hostname?: string },
  reason: Reason,
): string {
  if (reason === "dns")
    return `cannot resolve ${error.hostname ?? "the host name"} (${error.code})`;
  return error.message;
}

/**
 * The outcome for an error thrown by connecting or talking to the target. An aborted signal means
 * the check's time ran out (or the agent is stopping); anything unknown is rethrown as a bug.
 */
export function failure(error: unknown, signal: AbortSignal): ProbeOutcome {
  if (signal.aborted) return { up: false, reason: "timeout", message: "no answer in time" };
  const reason = reasonOfError(error);
  if (!reason) throw error;
  return { up: false, reason, message: describeError(error as NodeJS.ErrnoException, reason) };
}

/**
 * Runs `start`, which creates a socket, until `ready` fires on it; the socket is destroyed when the
 * signal fires or the connection fails, so nothing outlives the check.
 */
function connectWith<S extends net.Socket>(
  signal: AbortSignal,
  ready: "connect" | "secureConnect",
  start: () => S,
): Promise<S> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = start();
    // One listener for the socket's whole life: before `ready` the abort fails the connection,
    // after it the socket still dies with the check (rejecting then changes nothing).
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const unwatch = () => signal.removeEventListener("abort", onAbort);
    socket.once("close", unwatch);
    unwatchers.set(socket, unwatch);
    const onError = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once("error", onError);
    socket.once(ready, () => {
      socket.off("error", onError);
      // From here the caller owns the socket and listens for its errors while it reads; one that
      // arrives while nobody listens must not crash the agent.
      socket.on("error", () => {});
      resolve(socket);
    });
  });
}

/** Removes a connection's abort listener from the check's signal. */
const unwatchers = new WeakMap<net.Socket, () => void>();

/**
 * Ends a connection opened here at once: destroyed, and its listener off the check's signal now
 * rather than at its "close" event a tick later, so the scheduler can hand the signal, left without
 * listeners, to the check's next run.
 */
export function closeConnection(socket: net.Socket): void {
  socket.destroy();
  unwatchers.get(socket)?.();
}

export function connectTcp(target: Endpoint, signal: AbortSignal): Promise<net.Socket> {
  return connectWith(signal, "connect", () =>
    net.connect({ host: target.host, port: target.port }),
  );
}

export interface TlsTarget extends Endpoint {
  /** SNI and the name the certificate must carry; default the host. */
  serverName?: string;
  /** PEM text of extra trusted certificate authorities (replacing the system's, as Node does). */
  ca?: string;
}

/**
 * Completes a TLS handshake without refusing the certificate, so the probe can always read and
 * report it; the caller judges `authorized`/`authorizationError` before sending anything.
 */
export function connectTls(target: TlsTarget, signal: AbortSignal): Promise<tls.TLSSocket> {
  const name = target.serverName ?? target.host;
  return connectWith(signal, "secureConnect", () =>
    tls.connect({
      host: target.host,
      port: target.port,
      // SNI carries host names only (RFC 6066 section 3); for an IP address Node checks the
      // certificate against the host instead.
      servername: net.isIP(name) ? undefined : name,
      ca: target.ca,
      rejectUnauthorized: false,
    }),
  );
}

/** Reads a CA file named in the config (checked readable at load, read again each run). */
export async function readCa(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const pem = await readFile(path, "utf8");
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`ca: ${path} holds no PEM certificate`);
  }
  return pem;
}
