// The queue is durable: a real collector process with 100 notifications queued for an SMTP server
// that is down is killed with SIGKILL and started again; the server stays down for two minutes,
// the collector retrying with its capped backoff; once it is back, every message arrives, each
// once: 100 distinct dedupe keys (Message-IDs), 100 messages in the mailbox.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { batch, RawAgent } from "../../helpers/collector.js";
import { freePort } from "../../helpers/delivery.js";
import { SmtpServer, smtpPeer } from "../../helpers/mailbox.js";
import { find, scrape } from "../../helpers/metrics.js";
import {
  attachCollector,
  type CollectorProcess,
  eventually,
  startCollectorProcess,
  tempDir,
} from "../../helpers/processes.js";

const python = smtpPeer();
const UNITS = 10;
const PEOPLE = 10;
const DOWN_MS = 120_000;

describe.skipIf(!python)("the notification queue across a crash and an SMTP outage", () => {
  const dir = tempDir();
  let smtp: SmtpServer | undefined;
  let collector: CollectorProcess | undefined;
  afterAll(async () => {
    await collector?.program.stop();
    await smtp?.stop();
    dir.remove();
  });

  const queued = async () =>
    find(await scrape(collector?.url ?? ""), "giamsat_notification_queue_messages", {
      channel: "mail",
    })[0]?.value;

  it("delivers all 100, none twice, after SIGKILL and two minutes without SMTP", async () => {
    smtp = new SmtpServer(python as string, await freePort(), join(dir.path, "Maildir"));
    const people = Array.from(
      { length: PEOPLE },
      (_, i) => `{ email: "nguoi${i}@example.gov.vn" }`,
    );
    const units = Array.from(
      { length: UNITS },
      (_, i) => `  - { id: don-vi-${i}, name: "Đơn vị ${i}" }`,
    );
    collector = await startCollectorProcess(
      dir.path,
      `notifications:
  channels:
    - { name: mail, type: email, smtp: { host: "127.0.0.1", port: ${smtp.port} }, from: "giamsat <giamsat@example.gov.vn>", timeout: "2s" }
  routes:
    - { channels: [mail], to: [${people.join(", ")}] }
  groupWait: "1s"
  queue: { minBackoff: "500ms", maxBackoff: "5s" }
units:
${units.join("\n")}
`,
    );
    // One incident in each unit: ten notifications, each to ten people.
    const started = Date.now();
    for (let u = 0; u < UNITS; u++) {
      const agent = new RawAgent(collector.url, await collector.enroll(`don-vi-${u}`, "pc-01"));
      await agent.hello();
      for (let seq = 1; seq <= 2; seq++) {
        const ts = Date.now() - 5000 + seq;
        const results = [
          {
            check: "portal",
            category: "website",
            kind: "http",
            ts,
            up: false,
            duration: 1,
            reason: "timeout",
          },
        ];
        agent.send(batch(seq, ts, { results, samples: [] }));
        await agent.next((m) => m.type === "ack" && m.seq === seq);
      }
      agent.close();
    }
    await eventually(
      async () => ((await queued()) === 100 ? true : undefined),
      30_000,
      "100 queued",
    );
    const firstTry = await eventually(async () => {
      const retried = find(
        await scrape(collector?.url ?? ""),
        "giamsat_notification_messages_retried_total",
        {
          channel: "mail",
        },
      )[0]?.value;
      return retried && retried > 0 ? Date.now() : undefined;
    });

    // Killed without a chance to close anything, then started again on the same database.
    await collector.program.stop("SIGKILL");
    collector = await attachCollector(dir.path, collector.configFile);
    await eventually(
      async () => ((await queued()) === 100 ? true : undefined),
      10_000,
      "still 100",
    );

    // The server is down for two minutes in all; the collector keeps trying, nothing is lost.
    while (Date.now() - firstTry < DOWN_MS) {
      await new Promise((r) => setTimeout(r, 5000));
      expect(await queued()).toBe(100);
    }
    const after = await scrape(collector.url);
    const retried = find(after, "giamsat_notification_messages_retried_total", {
      channel: "mail",
    })[0];
    // The backoff is capped at 5 s: many attempts in the two minutes, not one.
    expect(retried?.value).toBeGreaterThan(10);
    expect(smtp.messages()).toEqual([]);

    await smtp.start();
    const mails = await eventually(
      () => {
        const got = smtp?.messages() ?? [];
        return got.length >= 100 ? got : undefined;
      },
      30_000,
      "100 messages in the mailbox",
    );
    await new Promise((r) => setTimeout(r, 3000));
    const all = smtp.messages();
    expect(all).toHaveLength(100);
    expect(new Set(all.map((m) => m.dedupeKey)).size).toBe(100);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(100);
    // Each person heard of each unit once.
    const pairs = new Set(all.map((m) => `${m.rcptTo} ${m.subject}`));
    expect(pairs.size).toBe(UNITS * PEOPLE);
    expect(mails[0]?.subject).toMatch(/^\[giamsat\] Đơn vị \d: Gián đoạn: portal$/);
    expect(await queued()).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(DOWN_MS);
  }, 300_000);
});
