// Schema of collector.yaml's `notifications`: the channels, who is told what (routes), the city's
// operators and Steering Board, grouping and repeats, the durable queue and the monthly summaries.
// Names a route gives (channels, units) are checked against the rest of the file in collector.ts.
import { z } from "zod";
import { CATEGORIES } from "../categories.js";
import { duration } from "../duration.js";
import { channelSchema } from "./notification-channels.js";

/** What a route can carry; summaries have their own settings (`summaries`). */
export const EVENT_KINDS = ["incident", "certificate", "agent", "collector"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const LANGS = ["vi", "en"] as const;

/** Where a person is reached; which address a channel uses depends on its type. */
export const addressFields = {
  email: z.email().max(200).optional(),
  /** A Telegram chat id (the person's own, or a group's) for telegram channels. */
  telegramChatId: z
    .string()
    .regex(/^-?\d{1,20}$/, "a Telegram chat id is a number")
    .optional(),
  /** The person's user id as the unit's Zalo Official Account knows them, for zalo channels. */
  zaloUserId: z
    .string()
    .regex(/^\d{1,30}$/, "a Zalo user id is a number")
    .optional(),
};

export const personSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  ...addressFields,
});
export type NotifiedPerson = z.infer<typeof personSchema>;

/** The people a route's `to` can name besides people written out. */
export const RECIPIENT_GROUPS = ["unit-contacts", "unit-leaders", "operators"] as const;
export type RecipientGroup = (typeof RECIPIENT_GROUPS)[number];
const recipient = z.union([z.enum(RECIPIENT_GROUPS), personSchema]);

/** "22:00" in Vietnam time. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "write a time as HH:MM, e.g. 22:00");

export const routeSchema = z.strictObject({
  /** The channels (names from `channels`) this route sends through. */
  channels: z.array(z.string()).min(1),
  /** unit-contacts, unit-leaders, operators, or people written out; one or a list. */
  to: z
    .union([recipient, z.array(recipient).min(1)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .prefault("unit-contacts"),
  /** Only these units' events; every unit's (and the collector's own) without. */
  units: z.array(z.string()).min(1).optional(),
  /** Only events of checks of these categories. */
  categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
  events: z
    .array(z.enum(EVENT_KINDS))
    .min(1)
    .default([...EVENT_KINDS]),
  /** Takes what no other route takes (an event of a unit no route names, or whose people have no address). */
  default: z.boolean().default(false),
  lang: z.enum(LANGS).default("vi"),
  /** Holds messages that are not critical from `from` to `to` (Vietnam time), then sends them. */
  quietHours: z.strictObject({ from: clock, to: clock }).optional(),
});
export type RouteConfig = z.infer<typeof routeSchema>;

export const notificationsSchema = z.strictObject({
  channels: z.array(channelSchema).default([]),
  routes: z.array(routeSchema).default([]),
  /** The city's operators (`to: operators`). */
  operators: z.array(personSchema).default([]),
  /** The Steering Board's addresses: they receive the city's monthly summary. */
  steeringBoard: z.array(personSchema).default([]),
  /** Events of one unit within this time become one message. */
  groupWait: duration({ min: 0, max: 3_600_000 }).prefault("30s"),
  /**
   * The end of a unit's link outage waits up to this long for the checks it took down to recover
   * too, so the all-clear is one message.
   */
  resolveWait: duration({ min: 0, max: 3_600_000 }).prefault("5m"),
  /** A problem still open is announced again this often. */
  repeatInterval: duration({ min: 60_000, max: 30 * 86_400_000 }).prefault("4h"),
  /** A certificate is announced once when fewer than each of these days remain. */
  certificateDays: z.array(z.int().min(1).max(365)).min(1).default([30, 14, 7, 1]),
  /** Free space of the database's disk below this share is a collector problem. */
  diskFreeRatio: z.number().min(0).max(0.9).default(0.1),
  queue: z
    .strictObject({
      /** Messages waiting at most; past it the oldest are dropped and counted. */
      maxMessages: z.int().min(100).max(10_000_000).default(10_000),
      /** First wait after a failed send; doubled each time up to maxBackoff. */
      minBackoff: duration({ min: 10, max: 3_600_000 }).prefault("1s"),
      maxBackoff: duration({ min: 10, max: 86_400_000 }).prefault("5m"),
    })
    .prefault({}),
  summaries: z
    .strictObject({
      /** On the 1st at 08:00 Vietnam time, last month's inspection summary to each unit. */
      monthly: z.boolean().default(true),
      /** Each Monday at 08:00 Vietnam time, last week's incidents to each unit's IT contact. */
      weekly: z.boolean().default(false),
      /** Channels that carry them; by default every e-mail channel. */
      channels: z.array(z.string()).min(1).optional(),
      lang: z.enum(LANGS).default("vi"),
    })
    .prefault({}),
});
export type NotificationsConfig = z.infer<typeof notificationsSchema>;

/** Issues for names a notifications section uses that the rest of collector.yaml does not define. */
export function unknownNames(
  notifications: NotificationsConfig,
  unitIds: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const channels = new Set<string>();
  notifications.channels.forEach((channel, index) => {
    if (channels.has(channel.name)) {
      issues.push({
        path: ["notifications", "channels", index, "name"],
        message: `duplicate channel name "${channel.name}"`,
      });
    }
    channels.add(channel.name);
  });
  const known = [...channels].join(", ") || "none defined";
  const checkChannel = (name: string, path: (string | number)[]) => {
    if (!channels.has(name)) {
      issues.push({
        path,
        message: `no channel named "${name}" in notifications.channels (channels: ${known})`,
      });
    }
  };
  notifications.routes.forEach((route, r) => {
    route.channels.forEach((name, c) => {
      checkChannel(name, ["notifications", "routes", r, "channels", c]);
    });
    route.units?.forEach((unit, u) => {
      if (!unitIds.has(unit)) {
        issues.push({
          path: ["notifications", "routes", r, "units", u],
          message: `no unit "${unit}" in units (add it there, or correct the id)`,
        });
      }
    });
  });
  notifications.summaries.channels?.forEach((name, c) => {
    checkChannel(name, ["notifications", "summaries", "channels", c]);
  });
  const { minBackoff, maxBackoff } = notifications.queue;
  if (minBackoff > maxBackoff) {
    issues.push({
      path: ["notifications", "queue", "minBackoff"],
      message: "must not be longer than queue.maxBackoff",
    });
  }
  return issues;
}
