// Schemas of collector.yaml's notification channels: one entry per channel type in CHANNEL_FIELDS,
// the one list of types. The collector's table of channel implementations is typed from it, so a
// type added here does not compile until it has an implementation.
import { z } from "zod";
import { duration } from "../duration.js";
import { secret } from "./remote-write.js";

/** A channel's name: named by routes, a label value on the notification metrics. */
export const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** RFC 9110 token characters, the grammar of a header field name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the webhook sender sets itself. */
const RESERVED_HEADERS = new Set([
  "content-length",
  "content-type",
  "connection",
  "host",
  "idempotency-key",
  "transfer-encoding",
  "user-agent",
  "x-giamsat-signature-256",
]);

/** An http(s) URL without credentials (URLs are logged); `example` says what to write. */
export function httpUrl(example: string) {
  return z.string().superRefine((text, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `invalid URL "${text}" (write e.g. ${example})` });
      return;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `must be an http:// or https:// URL (${example})` });
    } else if (parsed.username || parsed.password) {
      ctx.addIssue({
        code: "custom",
        message: "credentials do not belong in the URL (it is logged)",
      });
    }
  });
}

const headers = z
  .record(
    z.string().superRefine((name, ctx) => {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({ code: "custom", message: `invalid header name "${name}"` });
      } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({ code: "custom", message: `"${name}" is set by the sender` });
      }
    }),
    z.string().regex(/^[^\r\n]*$/, "must be one line"),
  )
  .default({});

/** How long one request (or SMTP transaction) may take before it is abandoned and retried. */
const timeout = () => duration({ min: 100, max: 600_000 }).prefault("30s");

/** SMTP through nodemailer (https://nodemailer.com/smtp/). */
const email = {
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.int().min(1).max(65_535).default(25),
    /**
     * auto: STARTTLS when the server offers it (nodemailer's default); starttls: required;
     * tls: TLS from the first byte (port 465); none: never encrypt.
     */
    security: z.enum(["auto", "starttls", "tls", "none"]).default("auto"),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    /** PEM file of the certificate authorities to trust (relative to collector.yaml). */
    ca: z.string().min(1).optional(),
    /** Keep connections open and reuse them. */
    pool: z.boolean().default(true),
    maxConnections: z.int().min(1).max(20).default(2),
  }),
  /** The sender, e.g. "giamsat <giamsat@danang.gov.vn>". */
  from: z.string().min(3).max(300),
  timeout: timeout(),
};

/** A JSON POST of the versioned payload (docs/operators/notifications.md#webhook-payload). */
const webhook = {
  url: httpUrl("https://chat.example.gov.vn/hooks/giamsat"),
  /** Key of the HMAC-SHA256 signature of the body, sent as X-Giamsat-Signature-256. */
  secret: secret.optional(),
  headers,
  timeout: timeout(),
};

/** Telegram Bot API sendMessage (https://core.telegram.org/bots/api#sendmessage). */
const telegram = {
  botToken: secret,
  /** One chat for everything routed here; without it, each recipient's telegramChatId. */
  chatId: z
    .string()
    .regex(/^-?\d{1,20}$|^@[A-Za-z0-9_]{5,64}$/, "a number or @channelname")
    .optional(),
  /** The Bot API's address, or a proxy's. */
  baseUrl: httpUrl("https://api.telegram.org").default("https://api.telegram.org"),
  timeout: timeout(),
};

/** Zalo Official Account message API, with its OAuth v4 access and refresh tokens. */
const zalo = {
  appId: z.string().regex(/^\d{1,30}$/, "the app's numeric id"),
  appSecret: secret,
  /**
   * The refresh token of the OA's authorization. Used once: the refreshed tokens are kept in the
   * database; a different value here (after authorizing again) replaces them.
   */
  refreshToken: secret,
  apiUrl: httpUrl("https://openapi.zalo.me").default("https://openapi.zalo.me"),
  oauthUrl: httpUrl("https://oauth.zaloapp.com").default("https://oauth.zaloapp.com"),
  timeout: timeout(),
};

/** Alertmanager's API v2 (POST /api/v2/alerts). */
const alertmanager = {
  /** Alertmanager's address, e.g. http://alertmanager:9093 */
  url: httpUrl("http://alertmanager:9093"),
  /** Firing alerts are sent again this often, with endsAt four times this far ahead. */
  resendInterval: duration({ min: 1000, max: 3_600_000 }).prefault("1m"),
  bearerToken: secret.optional(),
  headers,
  timeout: timeout(),
};

/** The fields of each channel type besides `name` and `type`. */
export const CHANNEL_FIELDS = { email, webhook, telegram, zalo, alertmanager };
export type ChannelType = keyof typeof CHANNEL_FIELDS;
export const CHANNEL_TYPES = Object.keys(CHANNEL_FIELDS) as ChannelType[];

const name = z
  .string()
  .regex(CHANNEL_NAME, "must be 1-64 letters, digits, '_', '.' or '-', starting alphanumeric");

function variant<T extends ChannelType>(type: T) {
  return z.strictObject({ name, type: z.literal(type), ...CHANNEL_FIELDS[type] });
}
type Variant<T extends ChannelType> = ReturnType<typeof variant<T>>;
type AnyVariant = { [T in ChannelType]: Variant<T> }[ChannelType];

/** One variant per type of CHANNEL_FIELDS, told apart by `type`. */
export const channelSchema = z.discriminatedUnion(
  "type",
  CHANNEL_TYPES.map((type) => variant(type)) as [AnyVariant, ...AnyVariant[]],
);
export type ChannelConfig = z.infer<typeof channelSchema>;
export type ChannelConfigOf<T extends ChannelType> = Extract<ChannelConfig, { type: T }>;
