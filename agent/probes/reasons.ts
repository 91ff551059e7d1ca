// The one table of error codes by the reason a check result gives: Node's socket errors, the system
// resolver's (getaddrinfo) and c-ares' (node:dns), for every probe. Words for people stay with the
// probe that knows the context (dns.ts says "no such name", snmp/failure.ts "port unreachable").
import type { Reason } from "../../shared/protocol.js";

const REASON_BY_CODE: Readonly<Record<string, Reason>> = {
  // Name resolution: getaddrinfo (lookup) and c-ares (Resolver).
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EAI_NONAME: "dns",
  EAI_NODATA: "dns",
  EAI_FAIL: "dns",
  ENODATA: "dns",
  ESERVFAIL: "dns",
  // Nothing listens, or a DNS server refuses the query.
  ECONNREFUSED: "refused",
  EREFUSED: "refused",
  // No route to the target.
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  EHOSTDOWN: "unreachable",
  ENETDOWN: "unreachable",
  EADDRNOTAVAIL: "unreachable",
  // The system's own timeouts (TCP, c-ares), before the check's.
  ETIMEDOUT: "timeout",
  ETIMEOUT: "timeout",
  // The peer broke off or answered in a way the protocol does not allow.
  ECONNRESET: "protocol",
  EPIPE: "protocol",
  EFORMERR: "protocol",
  EBADRESP: "protocol",
  ENOTIMP: "protocol",
  ERR_SSL_WRONG_VERSION_NUMBER: "tls",
};

/** The reason for an error code; undefined when it is none of ours (a bug, or the machine's). */
export function reasonOfCode(code: unknown): Reason | undefined {
  if (typeof code !== "string") return undefined;
  const known = REASON_BY_CODE[code];
  if (known) return known;
  // Node's HTTP parser (llhttp) errors: the peer does not speak HTTP/1.1.
  if (code.startsWith("HPE_")) return "protocol";
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) return "tls";
  return undefined;
}

/** The reason for an error raised while connecting, looking up or talking; undefined when unknown. */
export function reasonOfError(error: unknown): Reason | undefined {
  return reasonOfCode((error as NodeJS.ErrnoException | undefined)?.code);
}
