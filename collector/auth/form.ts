// Reads the body of a form POST: url-encoded only, small, and within a few seconds.
import type { IncomingMessage } from "node:http";
import { HttpError } from "../../shared/errors.js";

/** Forms here hold a name, a password and a token; anything larger is not one of ours. */
export const MAX_FORM_BYTES = 16 * 1024;
const READ_TIMEOUT_MS = 10_000;

export async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    request.resume();
    throw new HttpError(415, "send the form as application/x-www-form-urlencoded");
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
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
