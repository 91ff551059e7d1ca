// Reads the body of a POST: of the one type the route takes, small, and within a few seconds.
// Forms here (url-encoded), an agent's enrollment and the JSON API's POSTs read theirs through it.
import type { IncomingMessage } from "node:http";
import { HttpError } from "../../shared/errors.js";

/** Forms here hold a name, a password and a token; anything larger is not one of ours. */
export const MAX_FORM_BYTES = 16 * 1024;
const READ_TIMEOUT_MS = 10_000;

export interface BodyRules {
  /** The media type the route takes, e.g. application/json. */
  type: string;
  maxBytes: number;
  /** How the messages name the body: "a form", "the form". */
  a: string;
  the: string;
}

/** The whole body; HttpError 415 (type), 413 (size), 408 (too slow) or 400 (broken). */
export async function readBody(request: IncomingMessage, rules: BodyRules): Promise<Buffer> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const tooLarge = () => new HttpError(413, `${rules.a} is at most ${rules.maxBytes} bytes`);
  if (type !== rules.type) {
    request.resume();
    throw new HttpError(415, `send ${rules.the} as ${rules.type}`);
  }
  if (Number(request.headers["content-length"] ?? 0) > rules.maxBytes) {
    request.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy();
      reject(new HttpError(408, `${rules.the} took too long to arrive`));
    }, READ_TIMEOUT_MS);
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > rules.maxBytes) {
        clearTimeout(timer);
        request.removeAllListeners("data");
        request.resume();
        reject(tooLarge());
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
      reject(new HttpError(400, `${rules.the} could not be read`, { cause: error }));
    });
  });
  return Buffer.concat(chunks);
}

export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const body = await readBody(request, {
    type: "application/x-www-form-urlencoded",
    maxBytes: MAX_FORM_BYTES,
    a: "a form",
    the: "the form",
  });
  return new URLSearchParams(body.toString("utf8"));
}

/** The JSON document of an API POST; 400 naming the problem when it is not one. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const body = await readBody(request, {
    type: "application/json",
    maxBytes: MAX_FORM_BYTES,
    a: "a request body",
    the: "the request body",
  });
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (error) {
    throw new HttpError(400, `the request body is not JSON: ${(error as Error).message}`);
  }
}
