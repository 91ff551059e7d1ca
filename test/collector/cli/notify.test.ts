// giamsat-collector notify test: a test message through one channel, straight to the receiver,
// with what it answered printed (exit 0), or its error (exit 1); a wrong channel or a unit without
// an address is a usage error (exit 2). Each send is in the audit log.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLECTOR_CLI, runCli, tempDir } from "../../helpers/processes.js";
import { TelegramApi } from "../../helpers/telegram-api.js";
import { WebhookReceiver } from "../../helpers/webhook-receiver.js";

const TOKEN = "424242:test-bot-token";
const dir = tempDir();
const telegram = new TelegramApi(TOKEN, ["5551234"]);
const hook = new WebhookReceiver();
let file = "";

beforeAll(async () => {
  await telegram.listen();
  await hook.listen();
  file = join(dir.path, "collector.yaml");
  writeFileSync(
    file,
    `database: "./collector.db"
notifications:
  channels:
    - { name: tg, type: telegram, botToken: "\${BOT_TOKEN}", baseUrl: "${telegram.url}" }
    - { name: hook, type: webhook, url: "${hook.url}" }
units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    contact: { name: "Trần Văn Bình", telegramChatId: "5551234" }
  - id: quan-hai-chau
    contact: { name: "Lê Thị Hoa", telegramChatId: "6660000" }
  - id: no-contact
`,
  );
});
afterAll(async () => {
  await telegram.close();
  await hook.close();
  dir.remove();
});

const notify = (...args: string[]) =>
  runCli(COLLECTOR_CLI, ["notify", "test", "--config", file, ...args], {
    env: { BOT_TOKEN: TOKEN },
  });

describe("giamsat-collector notify test", () => {
  it("sends to the unit's contact and prints the receiver's answer", async () => {
    const result = await notify("--channel", "tg", "--unit", "so-tttt");
    expect(result.stdout).toBe("tg 5551234: sent (message_id 1)\n");
    expect(result.code).toBe(0);
    expect(telegram.messages[0]?.text).toBe(
      'Tin nhắn thử của hệ thống giám sát giamsat qua kênh "tg". Nếu bạn nhận được, kênh đã sẵn sàng.',
    );
    expect(result.stderr).not.toContain(TOKEN);
  });

  it("sends once through a channel with one destination, as a test document", async () => {
    const result = await notify("--channel", "hook");
    expect(result.stdout).toBe("hook: sent (HTTP 204)\n");
    expect(result.code).toBe(0);
    expect(hook.requests[0]?.payload).toMatchObject({ version: 1, kind: "test", unit: null });
  });

  it("prints the receiver's error and exits 1 when it refuses", async () => {
    const result = await notify("--channel", "tg", "--unit", "quan-hai-chau");
    expect(result.stdout).toBe("tg 6660000: not sent: HTTP 400: Bad Request: chat not found\n");
    expect(result.code).toBe(1);
  });

  it.each([
    [["--channel", "sms"], '--channel: no channel "sms" in notifications.channels (tg, hook)'],
    [["--channel", "tg", "--unit", "nope"], '--unit: no unit "nope" in units'],
    [
      ["--channel", "tg", "--unit", "no-contact"],
      'unit "no-contact"\'s contact has no address for channel "tg" (telegram)',
    ],
    [["--unit", "so-tttt"], "--channel is required"],
  ])("refuses %j with exit 2", async (args, message) => {
    const result = await notify(...args);
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
  });

  it("records every send in the audit log", () => {
    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const rows = db
      .prepare("SELECT action, unit_id AS unit, target, detail FROM audit ORDER BY id")
      .all() as { action: string; unit: string | null; target: string; detail: string }[];
    db.close();
    expect(rows.map((r) => [r.action, r.unit, r.target, JSON.parse(r.detail).outcome])).toEqual([
      ["notify.test", "so-tttt", "tg 5551234", "sent"],
      ["notify.test", null, "hook", "sent"],
      ["notify.test", "quan-hai-chau", "tg 6660000", "failed"],
    ]);
  });
});
