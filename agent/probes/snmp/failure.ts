// How the snmp probe reads a failed request: net-snmp's error classes and Node's socket and
// resolver errors turned into the reasons of a check result. Pure, tested without a device.
import type { Reason } from "../../../shared/protocol.js";
import { reasonOfCode } from "../reasons.js";

/** error-status noSuchName (RFC 1157 section 4.1.2): how SNMPv1 says an OID is not there. */
export function isNoSuchName(error: unknown): boolean {
  const { name, status } = (error ?? {}) as { name?: unknown; status?: unknown };
  return name === "RequestFailedError" && status === 2;
}

/** ResponseInvalidCode values of net-snmp meaning the USM refused us (RFC 3414 section 3.2). */
const COULD_NOT_DECRYPT = 4;
const AUTH_FAILURE = 5;
/** error-status values (RFC 3416 section 3) meaning the agent knows us but denies access. */
const NO_ACCESS = 6;
const AUTHORIZATION_ERROR = 16;

/**
 * The reason a request failed, from net-snmp's error classes (told apart by `name`, as they are
 * not exported as types) and Node's socket and resolver error codes.
 */
export function classifyFailure(error: unknown): { reason: Reason; message: string } {
  const { name, code, status, message } = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    status?: unknown;
    message?: unknown;
  };
  const text = typeof message === "string" ? message : String(error);
  if (name === "RequestTimedOutError") return { reason: "timeout", message: "no answer" };
  if (name === "ResponseInvalidError") {
    if (code === AUTH_FAILURE || code === COULD_NOT_DECRYPT) {
      // A digest mismatch message carries both digests in hex: noise for a person.
      const why = text.startsWith("Authentication digest")
        ? "answer failed authentication (wrong authKey or authProtocol?)"
        : text;
      return { reason: "auth", message: `SNMPv3: ${why}` };
    }
    return { reason: "protocol", message: `invalid answer: ${text}` };
  }
  if (name === "RequestFailedError") {
    if (status === NO_ACCESS || status === AUTHORIZATION_ERROR) {
      // authorizationError refuses the whole request; the OID net-snmp adds is just one asked for.
      const why = status === AUTHORIZATION_ERROR ? text.replace(/: [\d.]+$/, "") : text;
      return { reason: "auth", message: `access denied: ${why}` };
    }
    return { reason: "protocol", message: `agent error: ${text}` };
  }
  return { reason: reasonOfCode(code) ?? "error", message: text };
}
