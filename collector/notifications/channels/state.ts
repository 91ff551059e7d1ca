// What a channel keeps across restarts (Zalo's tokens, Alertmanager's firing alerts): JSON values
// by key in notification_channel_state, one namespace per channel. Values may be secrets: they are
// never logged nor shown on a page.
import type { Db } from "../../db/database.js";

export interface ChannelState {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  delete(key: string): void;
  /** Every value whose key starts with `prefix`. */
  list<T>(prefix: string): { key: string; value: T }[];
}

export function channelState(db: Db, channel: string, clock: () => number): ChannelState {
  const get = db.prepare(
    "SELECT value FROM notification_channel_state WHERE channel = ? AND key = ?",
  );
  const put = db.prepare(`
    INSERT INTO notification_channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const remove = db.prepare("DELETE FROM notification_channel_state WHERE channel = ? AND key = ?");
  const list = db.prepare(`
    SELECT key, value FROM notification_channel_state
    WHERE channel = ? AND key >= ? AND key < ? ORDER BY key`);
  return {
    get<T>(key: string) {
      const row = get.get(channel, key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    put(key, value) {
      put.run(channel, key, JSON.stringify(value), clock());
    },
    delete(key) {
      remove.run(channel, key);
    },
    list<T>(prefix: string) {
      // Keys from prefix up to prefix followed by the highest code point: a range on the index.
      const rows = list.all(channel, prefix, `${prefix}\u{10ffff}`) as {
        key: string;
        value: string;
      }[];
      return rows.map((row) => ({ key: row.key, value: JSON.parse(row.value) as T }));
    },
  };
}
