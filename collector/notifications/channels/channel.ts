// The contract every channel type fills: where a person is reached on it, and how one message is
// sent. A channel answers what became of the message (sent, refused for good, or to be retried);
// the send loop (dispatcher.ts) does the retrying, the counting and the audit log.
import type { ChannelConfigOf, ChannelType } from "../../../shared/config/notification-channels.js";
import type { NotifiedPerson } from "../../../shared/config/notifications.js";
import type { Logger } from "../../../shared/log.js";
import type { Delivery } from "../model.js";
import type { ChannelState } from "./state.js";

export type SendOutcome =
  /** Accepted; `answer` is what the receiver said (an SMTP reply, a message id), for the log. */
  | { kind: "sent"; answer: string }
  /** Refused for good (a 4xx, a recipient that does not exist): failed, never sent again. */
  | { kind: "refused"; error: string }
  /** Not now (network, 5xx, 429, a token to refresh): sent again after a backoff. */
  | { kind: "retry"; error: string; retryAfterMs?: number };

export interface ChannelContext {
  log: Logger;
  /** What the channel keeps across restarts, in the collector's database. */
  state: ChannelState;
  clock: () => number;
}

export interface Channel {
  /** Sends one message. A thrown error is a bug: the send loop logs it and retries. */
  send(delivery: Delivery, signal: AbortSignal): Promise<SendOutcome>;
  /** Work of its own, called about once a second (Alertmanager sends firing alerts again). */
  tick?(now: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ChannelDefinition<T extends ChannelType> {
  readonly type: T;
  /**
   * Where these people are reached on the channel: one address each that has one. A channel
   * with one destination of its own (a webhook URL, a group chat) answers [""] whoever they are.
   */
  addresses(config: ChannelConfigOf<T>, people: readonly NotifiedPerson[]): string[];
  create(config: ChannelConfigOf<T>, ctx: ChannelContext): Channel;
  /**
   * Replaces each file the config names (relative to collector.yaml) with what `resolve` makes
   * of it (an absolute path it could read); `key` is the field's path within the channel.
   */
  resolveFiles?(config: ChannelConfigOf<T>, resolve: (path: string, key: string) => string): void;
}

/** The first line of an error, without anything after a secret could have been inserted. */
export function describeError(error: unknown, secrets: readonly string[] = []): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  let text = cause?.code ?? (error instanceof Error ? error.message : String(error));
  if (text === "fetch failed" && cause?.message) text = cause.message;
  for (const secret of secrets) if (secret) text = text.replaceAll(secret, "[redacted]");
  return (text.split("\n")[0] ?? "").slice(0, 300);
}
