// The one table of channel implementations, typed by the types collector.yaml knows
// (shared/config/notification-channels.ts): a type without an implementation does not compile.
import type {
  ChannelConfig,
  ChannelConfigOf,
  ChannelType,
} from "../../../shared/config/notification-channels.js";
import type { NotifiedPerson } from "../../../shared/config/notifications.js";
import { alertmanagerChannel } from "./alertmanager.js";
import type { Channel, ChannelContext, ChannelDefinition } from "./channel.js";
import { emailChannel } from "./email.js";
import { telegramChannel } from "./telegram.js";
import { webhookChannel } from "./webhook.js";
import { zaloChannel } from "./zalo.js";

export type { Channel, ChannelContext, SendOutcome } from "./channel.js";

export const CHANNELS: { readonly [T in ChannelType]: ChannelDefinition<T> } = {
  email: emailChannel,
  webhook: webhookChannel,
  telegram: telegramChannel,
  zalo: zaloChannel,
  alertmanager: alertmanagerChannel,
};

function definitionOf<T extends ChannelType>(config: ChannelConfigOf<T>): ChannelDefinition<T> {
  return CHANNELS[config.type as T];
}

/** Where these people are reached on the channel ([""] for a channel with one destination). */
export function addressesOn(config: ChannelConfig, people: readonly NotifiedPerson[]): string[] {
  return definitionOf(config).addresses(config, people);
}

/** Makes the files the channel's config names absolute (collector/config.ts). */
export function resolveChannelFiles(
  config: ChannelConfig,
  resolve: (path: string, key: string) => string,
): void {
  definitionOf(config).resolveFiles?.(config, resolve);
}

export function createChannel(config: ChannelConfig, ctx: ChannelContext): Channel {
  return definitionOf(config).create(config, ctx);
}
