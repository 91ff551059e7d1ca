// A webhook receiver on a port chosen by the OS that checks every request as
// docs/operators/notifications.md defines the webhook: POST, JSON of payload version 1 with every
// field, Idempotency-Key equal to the payload's dedupeKey, and the HMAC-SHA256 signature when a
// secret is set. A request that breaks a rule is answered 400 and recorded as a problem.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { z } from "zod";

const iso = z.iso.datetime();
const affected = z.strictObject({
  key: z.string(),
  check: z.string(),
  agent: z.string(),
  category: z.string(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  since: iso,
  until: iso.nullable(),
});
const item = z.looseObject({
  key: z.string(),
  eventKeys: z.array(z.string()).min(1),
  subject: z.enum(["check", "link", "silence", "certificate", "buffer", "disk", "remote_write"]),
  state: z.enum(["open", "resolved", "repeat"]),
  severity: z.enum(["critical", "warning"]),
  unit: z.string().nullable(),
  category: z.string().nullable(),
  check: z.string().nullable(),
  agent: z.string().nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  since: iso,
  until: iso.nullable(),
  affected: z.array(affected),
});
export const webhookPayloadSchema = z.strictObject({
  version: z.literal(1),
  dedupeKey: z.string().regex(/^gs-[0-9a-z-]+$/),
  kind: z.enum(["problem", "resolved", "repeat", "summary", "city_summary", "weekly", "test"]),
  createdAt: iso,
  lang: z.enum(["vi", "en"]),
  unit: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  link: z.string().nullable(),
  title: z.string().min(1),
  text: z.string().min(1),
  items: z.array(item),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export interface WebhookRequest {
  payload: WebhookPayload;
  headers: IncomingMessage["headers"];
}

export class WebhookReceiver {
  readonly requests: WebhookRequest[] = [];
  readonly problems: string[] = [];
  /** Answers to give before accepting again (e.g. [503, 503]). */
  failNext: number[] = [];
  readonly #server: Server;
  url = "";

  constructor(
    private readonly options: {
      path?: string;
      secret?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const problem = this.#check(request, body);
        if (problem) {
          this.problems.push(problem);
          response.writeHead(400).end(problem);
          return;
        }
        const status = this.failNext.shift();
        if (status !== undefined) {
          response.writeHead(status, { "Retry-After": "0" }).end("not now");
          return;
        }
        this.requests.push({
          payload: JSON.parse(body) as WebhookPayload,
          headers: request.headers,
        });
        response.writeHead(204).end();
      });
    });
  }

  #check(request: IncomingMessage, body: string): string | undefined {
    const path = this.options.path ?? "/hook";
    if (request.method !== "POST") return `method ${request.method}`;
    if (request.url !== path) return `path ${request.url}`;
    if (request.headers["content-type"] !== "application/json; charset=utf-8") {
      return `content-type ${request.headers["content-type"]}`;
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return "body is not JSON";
    }
    const parsed = webhookPayloadSchema.safeParse(json);
    if (!parsed.success) return `payload: ${JSON.stringify(parsed.error.issues[0])}`;
    if (request.headers["idempotency-key"] !== parsed.data.dedupeKey) return "Idempotency-Key";
    for (const [name, value] of Object.entries(this.options.headers ?? {})) {
      if (request.headers[name.toLowerCase()] !== value) return `header ${name}`;
    }
    if (this.options.secret !== undefined) {
      const want = `sha256=${createHmac("sha256", this.options.secret).update(body).digest("hex")}`;
      const got = String(request.headers["x-giamsat-signature-256"] ?? "");
      if (got.length !== want.length || !timingSafeEqual(Buffer.from(got), Buffer.from(want))) {
        return "signature";
      }
    }
    return undefined;
  }

  listen(): Promise<string> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => {
        const { port } = this.#server.address() as { port: number };
        this.url = `http://127.0.0.1:${port}${this.options.path ?? "/hook"}`;
        resolve(this.url);
      }),
    );
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
