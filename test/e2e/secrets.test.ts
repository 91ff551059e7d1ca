// Secrets never show: agent tokens, the metrics token, SNMP communities and keys, HTTP headers,
// user passwords and the notification channels' passwords, tokens and keys appear in no log (at
// debug level), page, /metrics, export or stored row.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_CLI,
  COLLECTOR_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { addUsers, Browser } from "../helpers/web.js";

const dir = tempDir();
const METRICS_TOKEN = "metrics-s3cret-token-0001";
const COMMUNITY = "community-s3cret-0002";
const AUTH_KEY = "authkey-s3cret-0003";
const PRIV_KEY = "privkey-s3cret-0004";
const HEADER = "Bearer header-s3cret-0005";
const PASSWORD = "password-s3cret-0006";
const SMTP_PASSWORD = "smtp-s3cret-0007";
const BOT_TOKEN = "424242:bot-s3cret-0008";
const HOOK_SECRET = "hook-s3cret-0009";
let collector: CollectorProcess;
let agent: Program;
let token: string;

/** Ports nothing listens on, so the checks fail quickly and say why. */
const CLOSED = 9;

const CHECKS = `host: false
checks:
  - { name: sw, category: lan, kind: snmp, host: 127.0.0.1, port: ${CLOSED}, community: "${COMMUNITY}", interval: 1s, timeout: 1s }
  - { name: router, category: lan, kind: snmp, host: 127.0.0.1, port: ${CLOSED}, version: "3", user: mon,
      authProtocol: sha256, authKey: "${AUTH_KEY}", privProtocol: aes, privKey: "${PRIV_KEY}", interval: 1s, timeout: 1s }
  - { name: portal, category: website, kind: http, url: "http://127.0.0.1:${CLOSED}/", headers: { Authorization: "${HEADER}" }, interval: 1s, timeout: 1s }
`;

function secrets(): string[] {
  return [
    METRICS_TOKEN,
    COMMUNITY,
    AUTH_KEY,
    PRIV_KEY,
    HEADER,
    "header-s3cret",
    PASSWORD,
    SMTP_PASSWORD,
    BOT_TOKEN,
    "bot-s3cret",
    HOOK_SECRET,
    token,
  ];
}

function expectNoSecret(where: string, text: string): void {
  for (const secret of secrets()) {
    expect(text.includes(secret), `${where} shows ${secret}`).toBe(false);
  }
}

beforeAll(async () => {
  // Notification channels whose receivers are not there: every attempt fails and says why. Every
  // command reads collector.yaml, so the variables it names are set for all of them.
  Object.assign(process.env, { SMTP_PASSWORD, BOT_TOKEN, HOOK_SECRET });
  collector = await startCollectorProcess(
    dir.path,
    `metrics: { token: "${METRICS_TOKEN}" }
notifications:
  channels:
    - { name: mail, type: email, smtp: { host: 127.0.0.1, port: ${CLOSED}, username: giamsat, password: "\${SMTP_PASSWORD}" }, from: "g <g@example.gov.vn>" }
    - { name: tg, type: telegram, botToken: "\${BOT_TOKEN}", baseUrl: "http://127.0.0.1:${CLOSED}" }
    - { name: hook, type: webhook, url: "http://127.0.0.1:${CLOSED}/hook", secret: "\${HOOK_SECRET}" }
  routes:
    - { channels: [mail, tg, hook] }
  groupWait: "1s"
  queue: { minBackoff: "100ms", maxBackoff: "500ms" }
units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn", telegramChatId: "5551234" }
  - { id: quan-hai-chau, name: "UBND quận Hải Châu", kind: district }
`,
    { GIAMSAT_LOG_LEVEL: "debug" },
  );
  token = await collector.enroll("so-tttt", "pc-secret");
  agent = startProgram(
    AGENT_CLI,
    ["run", "--config", writeAgentConfig(dir.path, "pc-secret", collector.url, token, CHECKS)],
    { GIAMSAT_LOG_LEVEL: "debug" },
  );
  await addUsers(join(dir.path, "collector.db"), [
    { name: "boss", role: "admin", password: PASSWORD },
  ]);
});

afterAll(async () => {
  for (const name of ["SMTP_PASSWORD", "BOT_TOKEN", "HOOK_SECRET"]) delete process.env[name];
  await agent?.stop();
  await collector?.program.stop();
  dir.remove();
});

describe("secrets", () => {
  it("never appear in what the agent logs, checks or sends", async () => {
    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const failures = await eventually(() => {
      const rows = db.prepare("SELECT check_name, reason, message FROM failures").all() as {
        check_name: string;
      }[];
      return new Set(rows.map((r) => r.check_name)).size === 3 ? rows : undefined;
    });
    const stored = JSON.stringify([
      failures,
      db.prepare("SELECT metric, labels FROM series").all(),
      db.prepare("SELECT * FROM inventory").all(),
      db.prepare("SELECT hostname, os, agent_version FROM agents").all(),
    ]);
    db.close();
    expectNoSecret("the collector's database", stored);
    expectNoSecret("the agent's debug log", agent.output());

    const check = await runCli(AGENT_CLI, [
      "check",
      "--config",
      writeAgentConfig(dir.path, "pc-check", collector.url, token, CHECKS),
    ]);
    expect(check.stdout).toMatch(/portal/);
    expectNoSecret("giamsat-agent check", check.stdout + check.stderr);
  });

  it("are not repeated in a config error about them", async () => {
    const file = writeAgentConfig(
      dir.path,
      "typo",
      collector.url,
      token,
      "host: false\nchecks:\n  - { name: sw, category: lan, kind: snmp, host: 127.0.0.1, community: 98765432123 }\n",
    );
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect([result.code, result.stderr]).toEqual([
      2,
      `${file}: checks[0] (sw).community: expected string\n`,
    ]);
  });

  it("never appear in the collector's logs, pages, /metrics or export", async () => {
    // The portal's incident was notified, and every channel failed at least once.
    await eventually(
      async () => {
        const text = await (
          await fetch(`${collector.url}/metrics`, {
            headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
          })
        ).text();
        const failing = ["mail", "tg", "hook"].filter((channel) =>
          new RegExp(
            `giamsat_notification_messages_retried_total\\{channel="${channel}"\\} [1-9]`,
          ).test(text),
        );
        return failing.length === 3 ? true : undefined;
      },
      30_000,
      "every channel tried",
    );
    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const notified = JSON.stringify([
      db.prepare("SELECT * FROM notification_messages").all(),
      db.prepare("SELECT * FROM notification_events").all(),
    ]);
    db.close();
    expect(notified).toContain("ECONNREFUSED");
    expectNoSecret("the notification queue", notified);
    const browser = new Browser(collector.url);
    expect((await browser.login("boss", "a wrong password here")).status).toBe(401);
    expect((await browser.login("boss", PASSWORD)).status).toBe(303);
    const pages = [
      await browser.get("/"),
      await browser.get("/audit"),
      await browser.get("/units/so-tttt"),
    ].map((p) => p.text);
    // The enrolment is in the audit log, said in words.
    expect(pages[1]).toContain("Cấp mã cho máy giám sát");
    expect(pages[2]).toContain('data-notification="queued"');
    expectNoSecret("the pages", pages.join("\n"));

    const metrics = await fetch(`${collector.url}/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expectNoSecret("/metrics", await metrics.text());
    const exported = await runCli(COLLECTOR_CLI, ["export", "--config", collector.configFile]);
    expect(exported.code).toBe(0);
    expectNoSecret("export", exported.stdout + exported.stderr);
    expectNoSecret("the collector's log", collector.program.output());
  });
});
