// A Telegram Bot API server on a loopback port that checks each request as
// https://core.telegram.org/bots/api#sendmessage defines it: POST /bot<token>/sendMessage, a JSON
// body with chat_id and 1-4096 characters of text and only sendMessage's parameters, answered as
// the Bot API answers (ok, result.message_id; error_code and description; 429 with
// parameters.retry_after). Chats it does not know are "chat not found".
import { createServer, type Server } from "node:http";

/** The parameters of sendMessage (Bot API 7+). */
const PARAMETERS = new Set([
  "business_connection_id",
  "chat_id",
  "message_thread_id",
  "text",
  "parse_mode",
  "entities",
  "link_preview_options",
  "disable_notification",
  "protect_content",
  "message_effect_id",
  "reply_parameters",
  "reply_markup",
]);

export interface TelegramMessage {
  chatId: string;
  text: string;
  at: number;
}

export class TelegramApi {
  readonly messages: TelegramMessage[] = [];
  readonly problems: string[] = [];
  /** Times of every sendMessage request, answered or not. */
  readonly attempts: number[] = [];
  /** Next requests answered 429 with this retry_after (seconds), one per entry. */
  tooManyRequests: number[] = [];
  readonly #server: Server;
  url = "";

  constructor(
    private readonly token: string,
    private readonly chats: readonly string[],
  ) {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const answer = (status: number, body: object) => {
          response
            .writeHead(status, { "Content-Type": "application/json" })
            .end(JSON.stringify(body));
        };
        const fail = (status: number, description: string) =>
          answer(status, { ok: false, error_code: status, description });
        const path = request.url ?? "";
        const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
        if (!match) return fail(404, "Not Found");
        if (match[1] !== this.token) return fail(401, "Unauthorized");
        if (match[2] !== "sendMessage") return fail(404, "Not Found: method not found");
        this.attempts.push(Date.now());
        const problem = (text: string) => {
          this.problems.push(text);
          fail(400, `Bad Request: ${text}`);
        };
        if (request.method !== "POST") return problem(`method ${request.method}`);
        if (!String(request.headers["content-type"]).startsWith("application/json")) {
          return problem(`content-type ${request.headers["content-type"]}`);
        }
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        } catch {
          return problem("can't parse JSON");
        }
        for (const key of Object.keys(body)) {
          if (!PARAMETERS.has(key)) return problem(`unknown parameter ${key}`);
        }
        const chat = body.chat_id;
        if (typeof chat !== "string" && typeof chat !== "number")
          return problem("chat_id is empty");
        const text = body.text;
        if (typeof text !== "string" || text.length === 0) return problem("message text is empty");
        if (text.length > 4096) return problem("message is too long");
        const preview = body.link_preview_options as { is_disabled?: unknown } | undefined;
        if (preview !== undefined && typeof preview.is_disabled !== "boolean") {
          return problem("link_preview_options.is_disabled must be a boolean");
        }
        const wait = this.tooManyRequests.shift();
        if (wait !== undefined) {
          return answer(429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${wait}`,
            parameters: { retry_after: wait },
          });
        }
        if (!this.chats.includes(String(chat))) {
          return answer(400, {
            ok: false,
            error_code: 400,
            description: "Bad Request: chat not found",
          });
        }
        this.messages.push({ chatId: String(chat), text, at: Date.now() });
        answer(200, {
          ok: true,
          result: {
            message_id: this.messages.length,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(chat), type: "private" },
            text,
          },
        });
      });
    });
  }

  listen(): Promise<string> {
    return new Promise((resolve) =>
      this.#server.listen(0, "127.0.0.1", () => {
        const { port } = this.#server.address() as { port: number };
        this.url = `http://127.0.0.1:${port}`;
        resolve(this.url);
      }),
    );
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
