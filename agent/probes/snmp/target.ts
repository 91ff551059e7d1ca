// What every SNMP-speaking probe (snmp, printer, ups) shares: one run's session (opened or kept,
// watched by the run's signal, closed or kept again) with a failed request turned into the reason
// a person reads. The fields naming the device are in shared/config/checks/snmp-target.ts.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { SnmpTarget } from "../../../shared/config/checks/snmp-target.js";
import type { ProbeContext, ProbeOutcome } from "../probe.js";
import { classifyFailure } from "./failure.js";
import { type Credentials, type SessionTarget, SnmpSession } from "./session.js";

/**
 * Runs `read` on a session to the check's device and returns its outcome; a failed request, the
 * signal firing or a name that does not resolve is the outcome a person reads instead. A v1/v2c
 * session that just answered is kept through ctx.keep for the next run of any check of the device.
 */
export async function withSnmpSession(
  check: SnmpTarget,
  ctx: ProbeContext,
  read: (session: SnmpSession) => Promise<ProbeOutcome>,
): Promise<ProbeOutcome> {
  let session: SnmpSession | undefined;
  let unwatch = () => {};
  let good = false;
  let key = "";
  // v3 keeps discovering the engine each run (RFC 3414 section 4), so its sessions are not kept.
  const keep = check.version === "3" ? undefined : ctx.keep;
  try {
    const target = await resolve(check.host, check.port);
    ctx.signal.throwIfAborted();
    const auth = credentialsOf(check);
    // Two tries (one retry) fit in the check's timeout, so a silent agent is reported here.
    const requestTimeout = Math.max(50, Math.floor(check.timeout * 0.4));
    if (keep) key = sessionKey(target, auth, requestTimeout);
    const kept = keep?.take(key);
    session =
      kept instanceof SnmpSession && kept.usable
        ? kept
        : new SnmpSession(target, auth, { requestTimeout });
    unwatch = session.watch(ctx.signal);
    const outcome = await read(session);
    good = true;
    return outcome;
  } catch (error) {
    if (ctx.signal.aborted) {
      return { up: false, reason: "timeout", message: `stopped before ${check.host} answered` };
    }
    return snmpFailure(error, check);
  } finally {
    unwatch();
    // A v1/v2c session that just answered serves the next run: no new socket, no new net-snmp
    // session (with its random engine ID) each time. Anything that failed starts afresh.
    if (session && good && session.usable && keep) {
      keep.put(key, session);
    } else {
      await session?.close();
    }
  }
}

/**
 * What makes sessions interchangeable: the same address, credentials and request timeout. Checks
 * of one device share its kept sessions.
 */
function sessionKey(target: SessionTarget, auth: Credentials, requestTimeout: number): string {
  return JSON.stringify(["snmp", target, auth, requestTimeout]);
}

export async function resolve(host: string, port: number): Promise<SessionTarget> {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(bare);
  if (family === 4 || family === 6) return { address: bare, family, port };
  const found = await lookup(bare);
  return { address: found.address, family: found.family === 6 ? 6 : 4, port };
}

export function credentialsOf(check: SnmpTarget): Credentials {
  if (check.version !== "3") return { version: check.version, community: check.community };
  const { user = "", authProtocol, authKey, privProtocol, privKey } = check;
  return { version: "3", user, authProtocol, authKey, privProtocol, privKey };
}

function snmpFailure(error: unknown, check: SnmpTarget): ProbeOutcome {
  const { reason, message } = classifyFailure(error);
  const where = `${check.host.includes(":") && !check.host.startsWith("[") ? `[${check.host}]` : check.host}:${check.port}`;
  if (reason === "timeout") {
    const silentFor = check.version === "3" ? "a wrong privKey" : "a wrong community";
    return {
      up: false,
      reason,
      message: `no SNMP answer from ${where} (agents also stay silent for ${silentFor})`,
    };
  }
  if (reason === "refused") {
    return { up: false, reason, message: `nothing listens on UDP ${where} (port unreachable)` };
  }
  return { up: false, reason, message: reason === "dns" ? message : `${where}: ${message}` };
}
