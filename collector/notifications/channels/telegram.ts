// The Telegram channel: the Bot API's sendMessage (https://core.telegram.org/bots/api#sendmessage),
// plain text, to one chat of the channel's or to each person's chat. A 429 answer carries
// parameters.retry_after (seconds), which the send loop waits before anything else goes out.
import type { ChannelConfigOf } from "../../../shared/config/notification-channels.js";
import type { ChannelDefinition, SendOutcome } from "./channel.js";
import { type HttpAnswer, post } from "./http.js";

/** sendMessage's limit on text, in characters after entities parsing. */
const MAX_TEXT = 4096;

interface BotAnswer {
  ok: boolean;
  result?: { message_id?: number };
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

function outcome(answer: HttpAnswer): SendOutcome {
  const body = answer.json as BotAnswer | undefined;
  if (answer.status === 200 && body?.ok === true) {
    return { kind: "sent", answer: `message_id ${body.result?.message_id ?? "?"}` };
  }
  const error = `HTTP ${answer.status}: ${body?.description ?? answer.text.slice(0, 200)}`;
  const retryAfter = body?.parameters?.retry_after;
  if (answer.status === 429 || typeof retryAfter === "number") {
    return { kind: "retry", error, retryAfterMs: (retryAfter ?? 1) * 1000 };
  }
  // 401 and 404: the bot token is wrong (a fix and a restart sends what waits); 5xx: later.
  if (answer.status === 401 || answer.status === 404 || answer.status >= 500) {
    return { kind: "retry", error };
  }
  // 400 (chat not found, text refused), 403 (the bot was blocked or removed from the chat).
  return { kind: "refused", error };
}

export const telegramChannel: ChannelDefinition<"telegram"> = {
  type: "telegram",
  addresses(config, people) {
    if (config.chatId !== undefined) return [""];
    return people.flatMap((p) => (p.telegramChatId ? [p.telegramChatId] : []));
  },
  create(config: ChannelConfigOf<"telegram">) {
    const url = `${config.baseUrl.replace(/\/+$/, "")}/bot${config.botToken}/sendMessage`;
    return {
      async send({ address, message }, signal) {
        const body = JSON.stringify({
          chat_id: address || config.chatId,
          text: message.short.slice(0, MAX_TEXT),
          link_preview_options: { is_disabled: true },
        });
        const answer = await post(url, body, {
          headers: { "Content-Type": "application/json" },
          timeoutMs: config.timeout,
          signal,
          secrets: [config.botToken],
        });
        return "kind" in answer ? answer : outcome(answer);
      },
      async close() {},
    };
  },
};
