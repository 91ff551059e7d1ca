// Websites and web applications over HTTP(S): status, a keyword in the page, redirects, and for
// https the certificate's expiry. One fresh connection per hop, so every run sees the certificate.
import http from "node:http";
import type net from "node:net";
import { type HttpCheck, httpCheckSchema } from "../../shared/config/checks/http.js";
import { METRICS } from "../../shared/metrics.js";
import { VERSION } from "../../shared/version.js";
import {
  type CertificateInfo,
  certificateLine,
  describeCertificate,
  formatDaysLeft,
  formatTimestamp,
  judgeCertificate,
  peerChain,
} from "./certificate.js";
import { closeConnection, connectTcp, connectTls, failure, readCa } from "./connect.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "./probe.js";

/** The keyword is looked for in this much of the body; reading stops there. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What one request found, before judging it. */
interface Exchange {
  status: number;
  location: string | undefined;
  /** Body size when known: all of it read, or Content-Length. */
  size: number | undefined;
  /** The first BODY_LIMIT_BYTES of the body, decoded as UTF-8. */
  text: string;
  complete: boolean;
  certificate: CertificateInfo | undefined;
}

export const httpProbe = defineProbe({
  schema: httpCheckSchema,
  files: ["ca"],
  async run(check, ctx) {
    const ca = await readCa(check.ca);
    let url = new URL(check.url);
    let redirects = 0;
    try {
      for (;;) {
        const hop = await exchange(url, check, ca, ctx.signal);
        if (!("status" in hop)) return hop;
        if (check.followRedirects && REDIRECTS.has(hop.status) && hop.location) {
          if (redirects === MAX_REDIRECTS) {
            return judged(hop, redirects, check, {
              reason: "status",
              message: `more than ${MAX_REDIRECTS} redirects`,
            });
          }
          const next = resolveLocation(hop.location, url);
          if (!next) {
            return judged(hop, redirects, check, {
              reason: "protocol",
              message: `HTTP ${hop.status} redirects to an unusable location ${JSON.stringify(hop.location)}`,
            });
          }
          url = next;
          redirects++;
          continue;
        }
        return judged(hop, redirects, check, verdict(hop, check));
      }
    } catch (error) {
      return failure(error, ctx.signal);
    }
  },
});

/** The next URL of a redirect, if it is an http(s) URL. */
function resolveLocation(location: string, base: URL): URL | undefined {
  try {
    const next = new URL(location, base);
    return next.protocol === "http:" || next.protocol === "https:" ? next : undefined;
  } catch {
    return undefined;
  }
}

/** Why a final response is down, or undefined when it is up. */
function verdict(hop: Exchange, check: HttpCheck): Pick<ProbeOutcome, "reason" | "message"> {
  const expected = check.expectStatus
    ? check.expectStatus.includes(hop.status)
    : hop.status >= 200 && hop.status <= 299;
  if (!expected) {
    const to = hop.location && hop.status >= 300 && hop.status < 400 ? ` to ${hop.location}` : "";
    return { reason: "status", message: `HTTP ${hop.status}${to}` };
  }
  if (check.contains !== undefined && !hop.text.includes(check.contains)) {
    const where = hop.complete ? "the body" : "the first MiB of the body";
    return {
      reason: "content",
      message: `${JSON.stringify(check.contains)} not found in ${where}`,
    };
  }
  return {};
}

function judged(
  hop: Exchange,
  redirects: number,
  check: HttpCheck,
  down: Pick<ProbeOutcome, "reason" | "message">,
): ProbeOutcome {
  const samples: ProbeSample[] = [
    { metric: METRICS.httpStatus.name, value: hop.status },
    { metric: METRICS.httpRedirects.name, value: redirects },
  ];
  const summary: Record<string, string> = { status: String(hop.status) };
  if (check.followRedirects) summary.redirects = String(redirects);
  if (hop.size !== undefined) {
    samples.push({ metric: METRICS.httpContentLength.name, value: hop.size });
    summary.size = `${hop.size} B`;
  }
  if (hop.certificate) {
    samples.push(expirySample(hop.certificate));
    Object.assign(summary, certificateSummary(hop.certificate));
  }
  return { up: down.reason === undefined, ...down, samples, summary };
}

function expirySample(certificate: CertificateInfo): ProbeSample {
  return { metric: METRICS.tlsExpiry.name, value: certificate.notAfter };
}

function certificateSummary(certificate: CertificateInfo): Record<string, string> {
  const now = Date.now() / 1000;
  return {
    expires: `${formatTimestamp(certificate.notAfter)} (${formatDaysLeft(certificate.notAfter, now)})`,
    issuer: certificate.issuer,
  };
}

/** One request on a new connection; a refused certificate ends it before anything is sent. */
async function exchange(
  url: URL,
  check: HttpCheck,
  ca: string | undefined,
  signal: AbortSignal,
): Promise<Exchange | ProbeOutcome> {
  const https = url.protocol === "https:";
  // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port) || (https ? 443 : 80);
  let socket: net.Socket;
  let certificate: CertificateInfo | undefined;
  if (https) {
    const secure = await connectTls({ host, port, ca }, signal);
    const chain = peerChain(secure.getPeerCertificate(true));
    certificate = chain[0] && describeCertificate(chain[0]);
    const judgement = judgeCertificate({
      leaf: certificate,
      authorizationError: secure.authorized ? undefined : String(secure.authorizationError),
      insecureSkipVerify: check.insecureSkipVerify,
      now: Date.now() / 1000,
    });
    if (!judgement.ok) {
      closeConnection(secure);
      return {
        up: false,
        reason: "tls",
        message: certificate
          ? `${judgement.problem} (${certificateLine(certificate)})`
          : judgement.problem,
        samples: certificate ? [expirySample(certificate)] : [],
        summary: certificate ? certificateSummary(certificate) : {},
      };
    }
    socket = secure;
  } else {
    socket = await connectTcp({ host, port }, signal);
  }
  try {
    return { ...(await request(socket, url, check)), certificate };
  } finally {
    closeConnection(socket);
  }
}

function request(
  socket: net.Socket,
  url: URL,
  check: HttpCheck,
): Promise<Omit<Exchange, "certificate">> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      // The connection is already open (and its certificate judged): hand it to the client.
      createConnection: () => socket,
      method: check.method,
      path: `${url.pathname}${url.search}`,
      headers: {
        host: url.host,
        "user-agent": `giamsat-agent/${VERSION}`,
        accept: "*/*",
        connection: "close",
        ...check.headers,
      },
      // No `signal` here: the socket is destroyed when the check's signal fires (connect.ts), which
      // fails the request and the body's reading the same way, with one listener fewer per run.
    });
    req.on("error", reject);
    req.once("response", (response) => {
      readBody(response).then(({ body, complete }) => {
        const declared = Number(response.headers["content-length"]);
        const size =
          complete && check.method === "GET"
            ? body.length
            : Number.isSafeInteger(declared) && declared >= 0
              ? declared
              : undefined;
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location,
          size,
          text: new TextDecoder("utf-8").decode(body),
          complete,
        });
      }, reject);
    });
    req.end();
  });
}

/** Reads at most BODY_LIMIT_BYTES; a longer body is cut off and its connection closed. */
async function readBody(
  response: http.IncomingMessage,
): Promise<{ body: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (kept + chunk.length > BODY_LIMIT_BYTES) {
      chunks.push(chunk.subarray(0, BODY_LIMIT_BYTES - kept));
      return { body: Buffer.concat(chunks), complete: false };
    }
    chunks.push(chunk);
    kept += chunk.length;
  }
  return { body: Buffer.concat(chunks), complete: true };
}
