// Reads the body of a POST: a url-encoded form from the pages, or a JSON document from scripts
// using the API; small, and within a few seconds.
import type { IncomingMessage } from "node:http";
import { HttpError } from "../../shared/errors.js";

/** Forms here hold a name, a password and a token; anything larger is not one of ours. */
export const MAX_FORM_BYTES = 16 * 1024;
const READ_TIMEOUT_MS = 10_000;

export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(request, "application/x-www-form-urlencoded", "the form");
  return new URLSearchParams(body);
}

/** The JSON document of an API POST; 400 naming the problem when it is not one. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request, "application/json", "the request body");
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new HttpError(400, `the request body is not JSON: ${(error as Error).message}`);
  }
}

async function readBody(request: IncomingMessage, expected: string, what: string): Promise<string> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== expected) {
    request.resume();
    throw new HttpError(415, `send ${what} as ${expected}`);
  }
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_FORM_BYTES) {
    request.resume();
    throw new HttpError(413, `a form is at most ${MAX_FORM_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy();
      reject(new HttpError(408, "the form took too long to arrive"));
    }, READ_TIMEOUT_MS);
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        clearTimeout(timer);
        request.removeAllListeners("data");
        request.resume();
        reject(new HttpError(413, `a form is at most ${MAX_FORM_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    request.once("error", (error) => {
      clearTimeout(timer);
      reject(new HttpError(400, "the form could not be read", { cause: error }));
    });
  });
  return Buffer.concat(chunks).toString("utf8");
}
