// Telegram and Zalo against local servers that check each request as the services' published APIs
// define them: Telegram's 429 retry_after is waited out; Zalo's tokens are refreshed on first use,
// on an invalid token, and before they expire, kept in the database across a restart; no token
// or secret ever reaches the log.
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/log.js";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { eventually, tempDir } from "../../helpers/processes.js";
import { TelegramApi } from "../../helpers/telegram-api.js";
import { ZaloApi } from "../../helpers/zalo-api.js";

const BOT_TOKEN = "123456:ABC-bot-token-secret";
const CHAT = "987654321";
const APP_ID = "4318123456789012345";
const APP_SECRET = "zalo-app-secret-value";
const REFRESH = "zalo-first-refresh-token";
const ZALO_USER = "8812345678901234567";

let collector: TestCollector | undefined;
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
  for (const server of servers.splice(0)) await server.close();
});

/** A logger whose every line is kept, to look for secrets in. */
function capturingLog() {
  let text = "";
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: createLogger("test", { level: "debug", destination }), text: () => text };
}

let seq = 0;
/** Opens (two failures) or closes (two successes) an incident of check `name`. */
async function flip(agent: RawAgent, name: string, up: boolean) {
  for (let i = 0; i < 2; i++) {
    seq++;
    const ts = Date.now() - 10_000 + seq;
    agent.send(
      batch(seq, ts, {
        results: [
          {
            check: name,
            category: "website",
            kind: "http",
            ts,
            up,
            duration: 0.1,
            ...(up ? {} : { reason: "timeout" }),
          },
        ],
        samples: [],
      }),
    );
    await agent.next((m) => m.type === "ack" && m.seq === seq);
  }
}

const contact = {
  name: "Trần Văn Bình",
  telegramChatId: CHAT,
  zaloUserId: ZALO_USER,
};

describe("the telegram channel", () => {
  it("sends sendMessage to the contact's chat and waits out a 429's retry_after", async () => {
    const api = new TelegramApi(BOT_TOKEN, [CHAT]);
    servers.push(api);
    await api.listen();
    const { log, text } = capturingLog();
    collector = await testCollector(
      {
        units: [{ id: "unit-a", name: "Sở Thông tin và Truyền thông", contact }],
        notifications: {
          channels: [{ name: "tg", type: "telegram", botToken: BOT_TOKEN, baseUrl: api.url }],
          routes: [{ channels: ["tg"] }],
          groupWait: "100ms",
          queue: { minBackoff: "50ms", maxBackoff: "100ms" },
        },
      },
      { log },
    );
    seq = 0;
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
    await agent.hello();
    await flip(agent, "portal", false);
    const [first] = await eventually(() => (api.messages.length ? api.messages : undefined));
    expect(first?.chatId).toBe(CHAT);
    expect(first?.text).toContain("[giamsat] Sở Thông tin và Truyền thông");
    expect(first?.text).toContain("Website chuyên ngành: portal không hoạt động");

    api.tooManyRequests.push(2);
    await flip(agent, "portal", true);
    await eventually(() => (api.messages.length === 2 ? true : undefined), 15_000);
    const [refused, accepted] = api.attempts.slice(-2) as [number, number];
    // The Bot API said 2 seconds; the backoff alone would have been under 100 ms.
    expect(accepted - refused).toBeGreaterThanOrEqual(2000);
    expect(api.messages[1]?.text).toContain("portal hoạt động trở lại");
    expect(api.problems).toEqual([]);
    expect(text()).toContain("notification not sent; retrying with backoff");
    expect(text()).not.toContain(BOT_TOKEN);
    agent.close();
  });
});

describe("the zalo channel", () => {
  it("refreshes its tokens on first use, on an invalid token and before expiry, and keeps them", async () => {
    const api = new ZaloApi(APP_ID, APP_SECRET, REFRESH, [ZALO_USER]);
    servers.push(api);
    await api.listen();
    const { log, text } = capturingLog();
    const kept = tempDir();
    servers.push({ close: async () => kept.remove() });
    const overrides = {
      database: join(kept.path, "collector.db"),
      units: [{ id: "unit-a", name: "Sở Thông tin và Truyền thông", contact }],
      notifications: {
        channels: [
          {
            name: "zalo",
            type: "zalo",
            appId: APP_ID,
            appSecret: APP_SECRET,
            refreshToken: REFRESH,
            apiUrl: api.url,
            oauthUrl: api.url,
          },
        ],
        routes: [{ channels: ["zalo"] }],
        groupWait: "100ms",
        queue: { minBackoff: "50ms", maxBackoff: "100ms" },
      },
    };
    collector = await testCollector(overrides, { log });
    seq = 0;
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
    await agent.hello();
    const sent = () => api.calls.filter((c) => c.kind === "send" && c.answer === "ok");

    // 1. No tokens yet: the configured refresh token is traded first.
    await flip(agent, "portal", false);
    await eventually(() => (sent().length === 1 ? true : undefined));
    expect(sent()[0]?.userId).toBe(ZALO_USER);
    expect(sent()[0]?.text).toContain("Website chuyên ngành: portal không hoạt động");

    // 2. Zalo stops taking the token: refreshed with the refresh token it came with, sent again.
    api.revokeAccessTokens();
    api.expiresIn = 600; // the next tokens last 10 minutes
    await flip(agent, "portal", true);
    await eventually(() => (sent().length === 2 ? true : undefined));

    // 3. The token has under half an hour left: refreshed before the next message.
    await flip(agent, "egov", false);
    await eventually(() => (sent().length === 3 ? true : undefined));
    expect(api.calls.map((c) => `${c.kind} ${c.answer}`)).toEqual([
      "refresh ok",
      "send ok",
      "send -216",
      "refresh ok",
      "send ok",
      "refresh ok",
      "send ok",
    ]);
    // Each refresh traded the refresh token the one before handed out.
    const refreshes = api.calls.filter((c) => c.kind === "refresh");
    expect(refreshes[0]?.token).toBe(REFRESH);
    expect(new Set(refreshes.map((c) => c.token)).size).toBe(3);
    expect(api.problems).toEqual([]);
    agent.close();
    await collector.stop();

    // 4. After a restart the kept tokens are used: the configured one was spent long ago, and
    // the kept one lasts under half an hour, so it is refreshed with the kept refresh token.
    const before = api.calls.length;
    collector = await testCollector(overrides, { log });
    const again = new RawAgent(collector.url, collector.enroll("unit-a", "pc-02"));
    await again.hello();
    seq = 0;
    await flip(again, "mail", false);
    await eventually(() => (sent().length === 4 ? true : undefined));
    const after = api.calls.slice(before);
    expect(after.map((c) => `${c.kind} ${c.answer}`)).toEqual(["refresh ok", "send ok"]);
    expect(after[0]?.token).not.toBe(REFRESH);
    again.close();
    for (const secret of [APP_SECRET, REFRESH, ...api.calls.map((c) => c.token)]) {
      expect(text()).not.toContain(secret);
    }
  });
});
