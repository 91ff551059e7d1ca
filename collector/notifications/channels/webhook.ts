// The webhook channel: the notification as a versioned JSON document POSTed to one URL, signed with
// HMAC-SHA256 when a secret is set. The payload's fields are documented for receivers in
// docs/operators/notifications.md#webhook-payload; a change to them is a new version.
import { createHmac } from "node:crypto";
import type { ChannelConfigOf } from "../../../shared/config/notification-channels.js";
import type { Item, OutgoingMessage } from "../model.js";
import type { ChannelDefinition } from "./channel.js";
import { outcomeOf, post } from "./http.js";

export const WEBHOOK_VERSION = 1;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function item(i: Item) {
  return {
    key: i.key,
    eventKeys: i.eventKeys,
    subject: i.subject,
    state: i.state,
    severity: i.severity,
    unit: i.unit,
    category: i.category,
    check: i.check,
    checkTitle: i.checkTitle ?? null,
    agent: i.agent,
    reason: i.reason,
    message: i.message,
    since: iso(i.since),
    until: iso(i.until),
    ...i.detail,
    ...(i.detail.notAfter !== undefined ? { notAfter: iso(i.detail.notAfter) } : {}),
    affected: i.affected.map((a) => ({ ...a, since: iso(a.since), until: iso(a.until) })),
  };
}

/** The document a webhook receives (version 1). */
export function webhookPayload(message: OutgoingMessage) {
  return {
    version: WEBHOOK_VERSION,
    dedupeKey: message.dedupeKey,
    kind: message.kind,
    createdAt: iso(message.createdAt),
    lang: message.lang,
    unit: message.unit,
    link: message.link,
    title: message.subject,
    text: message.text,
    items: message.items.map(item),
  };
}

/** "sha256=<hex>" of the body, as X-Giamsat-Signature-256 carries it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export const webhookChannel: ChannelDefinition<"webhook"> = {
  type: "webhook",
  addresses: () => [""],
  create(config: ChannelConfigOf<"webhook">) {
    return {
      async send({ message }, signal) {
        const body = JSON.stringify(webhookPayload(message));
        const answer = await post(config.url, body, {
          headers: {
            ...config.headers,
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.dedupeKey,
            ...(config.secret ? { "X-Giamsat-Signature-256": signature(config.secret, body) } : {}),
          },
          timeoutMs: config.timeout,
          signal,
        });
        return "kind" in answer ? answer : outcomeOf(answer);
      },
      async close() {},
    };
  },
};
