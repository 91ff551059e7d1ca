// Sends one remote_write request and says what the answer means for the queue: sent, refused for
// good, or to be retried. Headers and status handling follow the remote_write 1.0 specification:
// https://prometheus.io/docs/specs/remote_write_spec/
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { compress } from "snappyjs";
import type { RemoteWriteConfig } from "../../shared/config/remote-write.js";
import { VERSION } from "../../shared/version.js";

export type SendOutcome =
  | { kind: "sent"; status: number }
  /** 4xx other than 429: the receiver will never take these samples. */
  | { kind: "refused"; status: number; body: string }
  /** 5xx, 429, a redirect, a timeout or a network error: the same samples go again later. */
  | { kind: "retry"; reason: string; status?: number; retryAfterMs?: number };

/** Bytes of an error answer kept for the log. */
const BODY_EXCERPT = 300;

export class RemoteWriteClient {
  readonly #url: URL;
  readonly #agent: HttpAgent;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(config: RemoteWriteConfig) {
    this.#url = new URL(config.url);
    this.#timeoutMs = config.timeout;
    const https = this.#url.protocol === "https:";
    // One request at a time per endpoint keeps every series in timestamp order; keep-alive
    // saves a handshake per request.
    this.#agent = https
      ? new HttpsAgent({
          keepAlive: true,
          maxSockets: 1,
          ...(config.tls?.ca ? { ca: readFileSync(config.tls.ca) } : {}),
          rejectUnauthorized: !(config.tls?.insecureSkipVerify ?? false),
        })
      : new HttpAgent({ keepAlive: true, maxSockets: 1 });
    this.#headers = {
      ...config.headers,
      "Content-Encoding": "snappy",
      "Content-Type": "application/x-protobuf",
      "User-Agent": `giamsat-collector/${VERSION}`,
      "X-Prometheus-Remote-Write-Version": "0.1.0",
    };
    if (config.basicAuth) {
      const { username, password } = config.basicAuth;
      this.#headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    } else if (config.bearerToken) {
      this.#headers.Authorization = `Bearer ${config.bearerToken}`;
    }
  }

  /** Where requests go, without query string: safe to log. */
  get target(): string {
    return `${this.#url.origin}${this.#url.pathname}`;
  }

  /** Compresses the WriteRequest (snappy block format, not framed) and posts it. */
  send(writeRequest: Uint8Array, signal: AbortSignal): Promise<SendOutcome> {
    const body = compress(writeRequest);
    const request = this.#url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const req = request(this.#url, {
        method: "POST",
        agent: this.#agent,
        headers: { ...this.#headers, "Content-Length": String(body.length) },
      });
      const timer = setTimeout(() => {
        req.destroy();
        finish({ kind: "retry", reason: `no answer within ${this.#timeoutMs} ms` });
      }, this.#timeoutMs);
      const onAbort = () => {
        req.destroy();
        finish({ kind: "retry", reason: "stopping" });
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error: NodeJS.ErrnoException) => {
        finish({ kind: "retry", reason: error.code ?? error.message });
      });
      req.on("response", (response) => {
        readExcerpt(response).then(
          (text) => finish(classify(response, text)),
          (error: NodeJS.ErrnoException) =>
            finish({ kind: "retry", reason: error.code ?? error.message }),
        );
      });
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function classify(response: IncomingMessage, body: string): SendOutcome {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: "sent", status };
  // The specification: never retry a 4xx other than 429 (the receiver will not take it later
  // either); retry 5xx and 429 with a backoff, honouring Retry-After.
  if (status >= 400 && status < 500 && status !== 429) return { kind: "refused", status, body };
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
  return {
    kind: "retry",
    status,
    reason: `HTTP ${status}${body ? `: ${body}` : ""}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The start of the answer as one line of text, the rest read and thrown away. */
function readExcerpt(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    response.on("data", (chunk: Buffer) => {
      if (kept < BODY_EXCERPT) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    response.on("end", () =>
      resolve(
        Buffer.concat(chunks)
          .subarray(0, BODY_EXCERPT)
          .toString("utf8")
          .replace(/\s+/g, " ")
          .trim(),
      ),
    );
    response.on("error", reject);
  });
}
