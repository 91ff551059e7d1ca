// The Zalo channel: a Zalo Official Account's consultation message (POST /v3.0/oa/message/cs with
// the OA's access token in an `access_token` header) to each person's user id. Access tokens last
// about 25 hours and come with a refresh token that works once (OAuth v4: POST
// /v4/oa/access_token with the app's secret_key header): both are kept in the database as soon as
// they arrive, refreshed before the access token expires and again when Zalo says it is invalid.
// https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new
import { createHash } from "node:crypto";
import type { ChannelConfigOf } from "../../../shared/config/notification-channels.js";
import type { ChannelContext, ChannelDefinition, SendOutcome } from "./channel.js";
import { type HttpAnswer, post } from "./http.js";

/** A consultation message's text limit. */
const MAX_TEXT = 2000;
/** Refresh when the access token has less than this left. */
const REFRESH_BEFORE_MS = 30 * 60_000;
/** Zalo's errors for an access token that is invalid or expired: refresh, then send again. */
const TOKEN_ERRORS = new Set([-216, -124, -201]);

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  /** Hash of the configured refresh token these descend from: a new one in the file wins. */
  seed: string;
}

interface ApiAnswer {
  error?: number;
  message?: string;
  data?: { message_id?: string };
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: string | number;
  error?: number;
  error_name?: string;
  error_description?: string;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

function apiOutcome(answer: HttpAnswer): SendOutcome | "token" {
  const body = answer.json as ApiAnswer | undefined;
  if (answer.status >= 500 || answer.status === 429) {
    return { kind: "retry", error: `HTTP ${answer.status}` };
  }
  if (answer.status === 200 && body?.error === 0) {
    return { kind: "sent", answer: `message_id ${body.data?.message_id ?? "?"}` };
  }
  if (answer.status === 401 || (body?.error !== undefined && TOKEN_ERRORS.has(body.error))) {
    return "token";
  }
  const said =
    body?.error !== undefined ? `error ${body.error}: ${body.message ?? ""}` : answer.text;
  // The user has not followed the OA, has blocked it, or the text was refused.
  return { kind: "refused", error: `HTTP ${answer.status}: ${said}`.slice(0, 300) };
}

export const zaloChannel: ChannelDefinition<"zalo"> = {
  type: "zalo",
  addresses: (_config, people) => people.flatMap((p) => (p.zaloUserId ? [p.zaloUserId] : [])),
  create(config: ChannelConfigOf<"zalo">, ctx: ChannelContext) {
    const seed = hash(config.refreshToken);
    const secrets = [config.appSecret, config.refreshToken];
    const apiUrl = config.apiUrl.replace(/\/+$/, "");
    const oauthUrl = config.oauthUrl.replace(/\/+$/, "");

    /** Trades the refresh token for new tokens and keeps them before anything else. */
    async function refresh(from: string, signal: AbortSignal): Promise<Tokens | SendOutcome> {
      const body = new URLSearchParams({
        refresh_token: from,
        app_id: config.appId,
        grant_type: "refresh_token",
      }).toString();
      const answer = await post(`${oauthUrl}/v4/oa/access_token`, body, {
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          secret_key: config.appSecret,
        },
        timeoutMs: config.timeout,
        signal,
        secrets: [...secrets, from],
      });
      if ("kind" in answer) return { ...answer, error: `refreshing the token: ${answer.error}` };
      const got = answer.json as TokenAnswer | undefined;
      if (answer.status !== 200 || !got?.access_token || !got.refresh_token) {
        const why = got?.error !== undefined ? `error ${got.error}: ${got.error_name ?? ""}` : "";
        ctx.log.error(
          { status: answer.status, error: got?.error, name: got?.error_name },
          "Zalo refused to refresh the OA's token; authorize the app again and set zalo refreshToken",
        );
        return { kind: "retry", error: `refreshing the token: HTTP ${answer.status} ${why}` };
      }
      const tokens: Tokens = {
        accessToken: got.access_token,
        refreshToken: got.refresh_token,
        expiresAt: ctx.clock() + Number(got.expires_in ?? 3600) * 1000,
        seed,
      };
      ctx.state.put("tokens", tokens);
      ctx.log.info({ expiresAt: new Date(tokens.expiresAt).toISOString() }, "Zalo token refreshed");
      return tokens;
    }

    /** Tokens good for a while yet: kept ones, or refreshed now. */
    async function current(signal: AbortSignal, force: boolean): Promise<Tokens | SendOutcome> {
      const kept = ctx.state.get<Tokens>("tokens");
      if (
        kept &&
        kept.seed === seed &&
        !force &&
        kept.expiresAt - ctx.clock() > REFRESH_BEFORE_MS
      ) {
        return kept;
      }
      return refresh(kept && kept.seed === seed ? kept.refreshToken : config.refreshToken, signal);
    }

    async function sendWith(tokens: Tokens, userId: string, text: string, signal: AbortSignal) {
      const answer = await post(
        `${apiUrl}/v3.0/oa/message/cs`,
        JSON.stringify({ recipient: { user_id: userId }, message: { text } }),
        {
          headers: { "Content-Type": "application/json", access_token: tokens.accessToken },
          timeoutMs: config.timeout,
          signal,
          secrets: [...secrets, tokens.accessToken],
        },
      );
      return "kind" in answer ? answer : apiOutcome(answer);
    }

    return {
      async send({ address, message }, signal) {
        const text = message.short.slice(0, MAX_TEXT);
        let tokens = await current(signal, false);
        if ("kind" in tokens) return tokens;
        const first = await sendWith(tokens, address, text, signal);
        if (first !== "token") return first;
        // Zalo no longer takes the token (revoked, or its clock ran ahead): refresh once.
        tokens = await current(signal, true);
        if ("kind" in tokens) return tokens;
        const second = await sendWith(tokens, address, text, signal);
        return second === "token"
          ? { kind: "retry", error: "Zalo refused a freshly refreshed access token" }
          : second;
      },
      async close() {},
    };
  },
};
