// Writing whole responses: text, HTML (with the headers that keep pages from being framed or
// injected into) and JSON, never cached.
import type { ServerResponse } from "node:http";

/**
 * Pages are server-rendered with inline styles and no scripts; forms post only to us.
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy
 */
const HTML_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
};

export function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...(type.startsWith("text/html") ? HTML_HEADERS : {}),
    ...headers,
  });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

export function sendHtml(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  send(response, status, "text/html; charset=utf-8", body, headers);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`, headers);
}

/** 303 See Other: after a form POST the browser GETs `location`. */
export function redirect(response: ServerResponse, location: string): void {
  send(response, 303, "text/plain; charset=utf-8", `see ${location}\n`, { Location: location });
}
