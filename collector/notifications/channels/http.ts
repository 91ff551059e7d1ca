// A POST to a JSON API for the HTTP channels, with a timeout and the stop signal, and what its
// answer means: 2xx sent, 429 and 5xx again later (honouring Retry-After), another 4xx refused.
import { VERSION } from "../../../shared/version.js";
import { describeError, type SendOutcome } from "./channel.js";

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The body, cut to what a log needs. */
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** Characters of an answer kept. */
const BODY_EXCERPT = 2000;

/** Posts; resolves with the answer, or with a retry outcome when there was none. */
export async function post(
  url: string,
  body: string,
  options: {
    headers: Record<string, string>;
    timeoutMs: number;
    signal: AbortSignal;
    /** Values that must not appear in an error text (a token in the URL). */
    secrets?: readonly string[];
  },
): Promise<HttpAnswer | Extract<SendOutcome, { kind: "retry" }>> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "User-Agent": `giamsat-collector/${VERSION}`, ...options.headers },
      body,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    const text = (await response.text()).slice(0, BODY_EXCERPT);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  } catch (error) {
    const name = (error as Error).name;
    const why =
      name === "TimeoutError"
        ? `no answer within ${options.timeoutMs} ms`
        : name === "AbortError"
          ? "stopping"
          : describeError(error, options.secrets);
    return { kind: "retry", error: why };
  }
}

/** What a plain HTTP answer means for the message (APIs with their own error codes look further). */
export function outcomeOf(answer: HttpAnswer): SendOutcome {
  const { status } = answer;
  const said = answer.text ? `: ${answer.text.slice(0, 300)}` : "";
  if (status >= 200 && status < 300) return { kind: "sent", answer: `HTTP ${status}` };
  if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
    return { kind: "refused", error: `HTTP ${status}${said}` };
  }
  const retryAfterMs = retryAfter(answer.headers.get("retry-after"));
  return {
    kind: "retry",
    error: `HTTP ${status}${said}`,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110, section 10.2.3), in ms. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
