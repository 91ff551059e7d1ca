// What went wrong connecting to the collector, in a sentence that names the likely cause and the
// agent.yaml field to change: one table of the common mistakes (wrong port, ws:// against TLS, a path
// other than /agent, the wrong CA, a self-signed or re-issued certificate, a bad or revoked token),
// used by `run`'s log, `check`'s link row and `status`. Pure but for the TLS probe that tells a TLS
// port from a dead one.
import { connect as tlsConnect } from "node:tls";
import { errorMessage } from "../shared/errors.js";
import { AGENT_PATH } from "../shared/protocol.js";

/** The mistakes told apart; each gets its own sentence. */
export const LINK_PROBLEMS = [
  "refused",
  "unknown_host",
  "no_answer",
  "no_route",
  "plain_to_tls",
  "tls_to_plain",
  "wrong_path",
  "not_a_collector",
  "token",
  "revoked",
  "throttled",
  "collector_stopping",
  "wrong_ca",
  "untrusted_ca",
  "self_signed",
  "pin",
  "name",
  "dates",
  "other",
] as const;
export type LinkProblem = (typeof LINK_PROBLEMS)[number];

export interface Advice {
  problem: LinkProblem;
  /** The sentence for people: cause and the field to change. */
  message: string;
}

/** What the sentences need to know of agent.yaml. */
export interface LinkSetup {
  url: string;
  /** The tlsCa file, when set. */
  tlsCa?: string;
}

function where(url: string): { hostPort: string; host: string; path: string } {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "wss:" ? "443" : "80");
  return { host: parsed.hostname, hostPort: `${parsed.hostname}:${port}`, path: parsed.pathname };
}

/** The sentence of each problem; `detail` is what only that case knows (an error, a fingerprint). */
export function linkAdvice(problem: LinkProblem, setup: LinkSetup, detail = ""): Advice {
  const { host, hostPort, path } = where(setup.url);
  const ca = setup.tlsCa;
  const sentences: Record<LinkProblem, string> = {
    refused: `nothing answers at ${hostPort}: the collector is stopped, or the port in collector: is wrong`,
    unknown_host: `the name ${host} cannot be resolved from this machine: check the name in collector: and this machine's DNS`,
    no_answer: `no answer from ${hostPort}: a firewall drops the traffic, or the address in collector: is wrong`,
    no_route: `no route to ${host} from this machine: check its network connection and the address in collector:`,
    plain_to_tls: `the collector at ${hostPort} speaks TLS: write wss:// instead of ws:// in collector:`,
    tls_to_plain: `the collector at ${hostPort} does not speak TLS: write ws:// in collector:, or the TLS port the data center gave`,
    wrong_path: `${hostPort} answers, but not at ${path}: the path in collector: must be ${AGENT_PATH} (e.g. ${setup.url.split("//")[0]}//${hostPort}${AGENT_PATH})`,
    not_a_collector: `${hostPort} answered HTTP ${detail} instead of taking the agent's connection: it is not a giamsat collector (or a proxy is in the way): check the address in collector:`,
    token:
      "the collector refused the token (401): it is wrong, revoked, or was rotated and its grace period is over: put the token from the data center's latest agent.yaml in token:",
    revoked:
      "the collector revoked this agent: ask the data center for a new agent.yaml; meanwhile results are not kept, and the agent tries again every 10 minutes",
    throttled: `the collector refuses this address for a while after too many wrong tokens (429): fix token: and it clears by itself`,
    collector_stopping: `the collector at ${hostPort} is stopping (503): it is being restarted or upgraded; the agent tries again`,
    wrong_ca: `the collector's certificate is not signed by the CA in tlsCa (${ca}): ask the data center for the CA that signed it and name that PEM file in tlsCa:`,
    untrusted_ca:
      "the collector's certificate is not signed by a CA this machine trusts: get the data center's CA certificate (a PEM file) and name it in tlsCa:",
    self_signed: `the collector's certificate is self-signed${ca ? `, and tlsCa (${ca}) is not that certificate` : ""}: name that certificate (a PEM file from the data center) in tlsCa:`,
    pin: `the collector's certificate is not the pinned one${detail ? ` (it has sha256 ${detail})` : ""}: if the data center replaced it, put the new fingerprint in tlsPin:`,
    name: `the collector's certificate is not for ${host}: write the name it was issued for in collector:`,
    dates:
      "the collector's certificate is outside its validity dates: it has expired (tell the data center), or this machine's clock is wrong",
    other: `cannot connect to the collector at ${hostPort}: ${detail}`,
  };
  return { problem, message: sentences[problem] };
}

const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

/** The problem behind an error of the connection (before any HTTP answer). */
export function problemOfError(error: unknown, setup: LinkSetup): LinkProblem {
  const code = String((error as NodeJS.ErrnoException | null)?.code ?? "");
  const message = errorMessage(error);
  if (code === "ECONNREFUSED") return "refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return "unknown_host";
  if (code === "ETIMEDOUT" || /handshake has timed out/i.test(message)) return "no_answer";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "no_route";
  if (code === "ERR_GIAMSAT_PIN_MISMATCH") return "pin";
  if (code === "DEPTH_ZERO_SELF_SIGNED_CERT") return "self_signed";
  if (UNTRUSTED.has(code)) return setup.tlsCa ? "wrong_ca" : "untrusted_ca";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "name";
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "dates";
  if (/wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return "tls_to_plain";
  }
  return "other";
}

/** The problem behind an HTTP answer other than the WebSocket upgrade. */
export function problemOfStatus(status: number): LinkProblem {
  if (status === 401 || status === 403) return "token";
  if (status === 429) return "throttled";
  if (status === 503) return "collector_stopping";
  if (status === 404) return "wrong_path";
  return "not_a_collector";
}

/** Whether host:port completes a TLS handshake (whatever its certificate), within a few seconds. */
export function speaksTls(url: string, timeoutMs = 3000): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = tlsConnect({
      host: parsed.hostname,
      port: Number(parsed.port || 80),
      servername: parsed.hostname,
      // Only asking whether it speaks TLS at all: nothing is sent over this connection.
      rejectUnauthorized: false,
    });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * The advice for a failed connection: a ws:// connection reset by a port that speaks TLS is the
 * ws:// mistake; everything else is told by its code.
 */
export async function adviseError(error: unknown, setup: LinkSetup): Promise<Advice> {
  let problem = problemOfError(error, setup);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (
    problem === "other" &&
    setup.url.startsWith("ws:") &&
    (code === "ECONNRESET" || /socket hang up/.test(errorMessage(error))) &&
    (await speaksTls(setup.url))
  ) {
    problem = "plain_to_tls";
  }
  const fingerprint = /sha256 ([0-9A-F:]+)/i.exec(errorMessage(error))?.[1] ?? "";
  return linkAdvice(problem, setup, problem === "pin" ? fingerprint : errorMessage(error));
}
