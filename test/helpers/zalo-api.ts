// Zalo's Official Account API and OAuth v4 on a loopback port, checking each request as Zalo's
// documentation defines it: POST /v4/oa/access_token as a form (app_id, grant_type=refresh_token,
// refresh_token) with the app's secret_key header, each refresh token good once; POST
// /v3.0/oa/message/cs as JSON ({recipient: {user_id}, message: {text}}) with the access token in
// an `access_token` header, answered {error: 0, message: "Success", data: {message_id}}, or
// error -216 for a token it does not take.
import { createServer, type Server } from "node:http";

export interface ZaloCall {
  kind: "refresh" | "send";
  /** The refresh token traded, or the access token a message came with. */
  token: string;
  /** What Zalo answered: "ok", or the error code. */
  answer: string;
  userId?: string;
  text?: string;
  at: number;
}

export class ZaloApi {
  readonly calls: ZaloCall[] = [];
  readonly problems: string[] = [];
  /** Lifetime (seconds) of the next access tokens handed out. */
  expiresIn = 90_000;
  readonly #refreshTokens = new Set<string>();
  readonly #accessTokens = new Set<string>();
  #issued = 0;
  readonly #server: Server;
  url = "";

  constructor(
    private readonly appId: string,
    private readonly secret: string,
    firstRefreshToken: string,
    private readonly followers: readonly string[],
  ) {
    this.#refreshTokens.add(firstRefreshToken);
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const json = (value: object) =>
          response
            .writeHead(200, { "Content-Type": "application/json" })
            .end(JSON.stringify(value));
        const problem = (text: string) => {
          this.problems.push(text);
          response.writeHead(400).end(text);
        };
        if (request.method !== "POST") return problem(`method ${request.method}`);
        if (request.url === "/v4/oa/access_token") {
          if (request.headers["content-type"] !== "application/x-www-form-urlencoded") {
            return problem(`token: content-type ${request.headers["content-type"]}`);
          }
          if (request.headers.secret_key !== this.secret) {
            return json({ error: -14002, error_name: "Invalid secret key" });
          }
          const form = new URLSearchParams(body);
          const keys = [...form.keys()].sort().join(",");
          if (keys !== "app_id,grant_type,refresh_token") return problem(`token: fields ${keys}`);
          if (form.get("app_id") !== this.appId)
            return json({ error: -14001, error_name: "Invalid app id" });
          if (form.get("grant_type") !== "refresh_token") return problem("token: grant_type");
          const token = form.get("refresh_token") ?? "";
          if (!this.#refreshTokens.delete(token)) {
            this.calls.push({ kind: "refresh", token, answer: "-14014", at: Date.now() });
            return json({
              error: -14014,
              error_name: "Invalid refresh token",
              error_description: "expired or used",
            });
          }
          this.#issued++;
          const access = `access-${this.#issued}-${Math.random().toString(36).slice(2)}`;
          const refresh = `refresh-${this.#issued}-${Math.random().toString(36).slice(2)}`;
          this.#accessTokens.add(access);
          this.#refreshTokens.add(refresh);
          this.calls.push({ kind: "refresh", token, answer: "ok", at: Date.now() });
          // Zalo writes expires_in as a string of seconds.
          return json({
            access_token: access,
            refresh_token: refresh,
            expires_in: String(this.expiresIn),
          });
        }
        if (request.url === "/v3.0/oa/message/cs") {
          if (!String(request.headers["content-type"]).startsWith("application/json")) {
            return problem(`send: content-type ${request.headers["content-type"]}`);
          }
          const token = String(request.headers.access_token ?? "");
          let message: { recipient?: { user_id?: unknown }; message?: { text?: unknown } };
          try {
            message = JSON.parse(body);
          } catch {
            return problem("send: body is not JSON");
          }
          const keys = Object.keys(message).sort().join(",");
          if (keys !== "message,recipient") return problem(`send: fields ${keys}`);
          const userId = message.recipient?.user_id;
          const text = message.message?.text;
          if (typeof userId !== "string" || Object.keys(message.recipient ?? {}).length !== 1) {
            return problem("send: recipient");
          }
          if (typeof text !== "string" || text.length === 0 || text.length > 2000) {
            return problem("send: message.text");
          }
          if (!this.#accessTokens.has(token)) {
            this.calls.push({ kind: "send", token, answer: "-216", userId, text, at: Date.now() });
            return json({ error: -216, message: "Access token is invalid" });
          }
          if (!this.followers.includes(userId)) {
            this.calls.push({ kind: "send", token, answer: "-213", userId, text, at: Date.now() });
            return json({ error: -213, message: "User has not followed OA" });
          }
          this.calls.push({ kind: "send", token, answer: "ok", userId, text, at: Date.now() });
          return json({
            data: { message_id: `m${this.calls.length}`, user_id: userId },
            error: 0,
            message: "Success",
          });
        }
        problem(`path ${request.url}`);
      });
    });
  }

  /** Zalo stops taking every access token handed out so far (expired or revoked). */
  revokeAccessTokens(): void {
    this.#accessTokens.clear();
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
