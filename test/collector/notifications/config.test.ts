// collector.yaml's notifications: the smallest form the docs give loads as written, defaults come from
// the schema, unknown keys are refused, and a route naming a channel or unit that does not exist
// is refused at load naming both; a secret's value never appears in an error.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../../collector/config.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());
const file = join(dir.path, "collector.yaml");

function load(body: string, env: NodeJS.ProcessEnv = {}) {
  writeFileSync(file, body);
  return loadCollectorConfig(file, env);
}

function refusal(body: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    load(body, env);
  } catch (error) {
    return (error as Error).message.replace(`${file}: `, "");
  }
  throw new Error("accepted");
}

const MINIMAL = `notifications:
  channels:
    - { name: mail, type: email, smtp: { host: "127.0.0.1", port: 2525 }, from: "giamsat <giamsat@example.gov.vn>" }
  routes:
    - { channels: [mail], to: unit-contacts }
units:
  - id: so-tttt
    contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn" }
`;

describe("collector.yaml notifications", () => {
  it("loads the minimal form as written, with the defaults of the schema", () => {
    const config = load(MINIMAL);
    expect(config.units[0]).toMatchObject({ id: "so-tttt", name: "so-tttt" });
    expect(config.notifications).toEqual({
      channels: [
        {
          name: "mail",
          type: "email",
          smtp: { host: "127.0.0.1", port: 2525, security: "auto", pool: true, maxConnections: 2 },
          from: "giamsat <giamsat@example.gov.vn>",
          timeout: 30_000,
        },
      ],
      routes: [
        {
          channels: ["mail"],
          to: ["unit-contacts"],
          events: ["incident", "certificate", "agent", "collector"],
          default: false,
          lang: "vi",
        },
      ],
      operators: [],
      steeringBoard: [],
      groupWait: 30_000,
      resolveWait: 300_000,
      repeatInterval: 4 * 3_600_000,
      certificateDays: [30, 14, 7, 1],
      diskFreeRatio: 0.1,
      queue: { maxMessages: 10_000, minBackoff: 1000, maxBackoff: 300_000 },
      summaries: { monthly: true, weekly: false, lang: "vi" },
    });
  });

  it("takes secrets from the environment and keeps them out of its errors", () => {
    const config = load(
      `notifications:\n  channels:\n    - { name: tg, type: telegram, botToken: "\${TG_TOKEN}" }\n`,
      { TG_TOKEN: "123:secret-token" },
    );
    expect(config.notifications.channels[0]).toMatchObject({ botToken: "123:secret-token" });
    const refused = refusal(
      "notifications:\n  channels:\n    - { name: tg, type: telegram, botToken: 123456789 }\n",
    );
    expect(refused).toBe(
      "notifications.channels[0].botToken: must be a non-empty string (quote it in YAML); the value is not shown",
    );
    expect(refused).not.toContain("123456789");
  });

  it.each([
    [
      "notifications:\n  routes:\n    - { channels: [mail] }\n",
      'notifications.routes[0].channels[0]: no channel named "mail" in notifications.channels (channels: none defined)',
    ],
    [
      `${MINIMAL.replace("[mail], to", "[mail, sms], to")}`,
      'notifications.routes[0].channels[1]: no channel named "sms" in notifications.channels (channels: mail)',
    ],
    [
      `${MINIMAL.replace("{ channels: [mail], to: unit-contacts }", "{ channels: [mail], units: [quan-nhat] }")}`,
      'notifications.routes[0].units[0]: no unit "quan-nhat" in units (add it there, or correct the id)',
    ],
    [
      "notifications:\n  channels:\n    - { name: a, type: webhook, url: 'http://h/x' }\n    - { name: a, type: webhook, url: 'http://h/y' }\n",
      'notifications.channels[1].name: duplicate channel name "a"',
    ],
    [
      "notifications:\n  channels:\n    - { name: a, type: sms }\n",
      'notifications.channels[0].type: unknown type "sms" (one of email, webhook, telegram, zalo, alertmanager)',
    ],
    [
      "notifications:\n  channels:\n    - { name: a, type: webhook, url: 'http://h/x', colour: red }\n",
      'notifications.channels[0]: unknown key "colour"',
    ],
    [
      "notifications:\n  channels:\n    - { name: a, type: webhook, url: 'http://user:pw@h/x' }\n",
      "notifications.channels[0].url: credentials do not belong in the URL (it is logged)",
    ],
    [
      "notifications:\n  channels: [{ name: a, type: webhook, url: 'http://h/x' }]\n  routes:\n    - { channels: [a], quietHours: { from: '22h', to: '06:00' } }\n",
      "notifications.routes[0].quietHours.from: write a time as HH:MM, e.g. 22:00",
    ],
    ["notifications: { groupwait: 30s }\n", 'notifications: unknown key "groupwait"'],
    [
      "notifications: { queue: { minBackoff: 10s, maxBackoff: 1s } }\n",
      "notifications.queue.minBackoff: must not be longer than queue.maxBackoff",
    ],
    [
      "units:\n  - { id: a, contact: { name: B, telegramChatId: '@b' } }\n",
      "units[0].contact.telegramChatId: a Telegram chat id is a number",
    ],
  ])("refuses %j naming the field", (body, message) => {
    expect(refusal(body)).toBe(message);
  });

  it("reads an SMTP server's private CA from beside collector.yaml, and names it when missing", () => {
    const body = MINIMAL.replace("port: 2525 }", 'port: 2525, ca: "./ca.pem" }');
    expect(refusal(body)).toBe(
      `notifications.channels[0].smtp.ca: cannot read ${join(dir.path, "ca.pem")} (no such file)`,
    );
    writeFileSync(join(dir.path, "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    const config = load(body);
    expect(config.notifications.channels[0]).toMatchObject({
      smtp: { ca: join(dir.path, "ca.pem") },
    });
  });
});
