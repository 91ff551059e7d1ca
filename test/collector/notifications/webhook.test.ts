// The webhook channel against a receiver that checks each request as the docs define it: an
// incident of a unit arrives as a signed, versioned JSON document with its dedupe keys, then its
// end; a receiver that fails for a while gets the same documents (same keys) once it is back.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { freePort } from "../../helpers/delivery.js";
import { eventually, tempDir } from "../../helpers/processes.js";
import { WebhookReceiver } from "../../helpers/webhook-receiver.js";

let collector: TestCollector | undefined;
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  await collector?.stop();
  await receiver?.close();
  collector = undefined;
  receiver = undefined;
});

const SECRET = "webhook-secret-0123456789";

/**
 * A batch whose one result is the check `portal` of category website, up or down, taken at `ts`
 * and sent now (a clock a minute off would be corrected by the collector).
 */
function portal(seq: number, ts: number, up: boolean) {
  return batch(seq, ts, {
    sentAt: Date.now(),
    results: [
      {
        check: "portal",
        category: "website",
        kind: "http",
        ts,
        up,
        duration: 0.2,
        ...(up ? {} : { reason: "status", message: "HTTP 503" }),
      },
    ],
    samples: [],
  });
}

async function start(webhook: Record<string, unknown> = {}) {
  receiver = new WebhookReceiver({ secret: SECRET, headers: { "X-City": "danang" } });
  const url = await receiver.listen();
  collector = await testCollector({
    web: { auth: false, publicUrl: "https://giamsat.danang.gov.vn/" },
    notifications: {
      channels: [
        {
          name: "hook",
          type: "webhook",
          url,
          secret: SECRET,
          headers: { "X-City": "danang" },
          ...webhook,
        },
      ],
      routes: [{ channels: ["hook"] }],
      groupWait: "200ms",
      queue: { minBackoff: "50ms", maxBackoff: "200ms" },
    },
  });
  const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
  await agent.hello();
  return agent;
}

async function send(agent: RawAgent, pattern: string, from: number, seq = 1) {
  for (const [i, c] of [...pattern].entries()) {
    agent.send(portal(seq + i, from + i * 1000, c === "U"));
    await agent.next((m) => m.type === "ack" && m.seq === seq + i);
  }
}

describe("the webhook channel", () => {
  it("sends an incident and its end as signed version-1 documents with dedupe keys", async () => {
    const agent = await start();
    const from = Date.now() - 60_000;
    await send(agent, "UDD", from);
    const opened = await eventually(() => receiver?.requests[0], 10_000, "the incident");
    expect(receiver?.problems).toEqual([]);
    expect(opened.payload).toMatchObject({
      version: 1,
      kind: "problem",
      lang: "vi",
      unit: { id: "unit-a", name: "Unit A" },
      link: "https://giamsat.danang.gov.vn/units/unit-a",
      items: [
        {
          subject: "check",
          state: "open",
          severity: "critical",
          unit: "unit-a",
          category: "website",
          check: "portal",
          agent: "pc-01",
          reason: "status",
          message: "HTTP 503",
          since: new Date(from + 1000).toISOString(),
          until: null,
        },
      ],
    });
    const key = opened.payload.items[0]?.key;
    expect(opened.payload.items[0]?.eventKeys).toEqual([`${key}.opened`]);
    expect(opened.payload.title).toBe("[giamsat] Unit A: Gián đoạn: portal");
    expect(opened.payload.text).toContain("Website chuyên ngành: portal không hoạt động");
    expect(opened.payload.text).toContain("trả về mã lỗi: HTTP 503");

    await send(agent, "UU", from + 3000, 4);
    const resolved = await eventually(() => receiver?.requests[1], 10_000, "the resolution");
    expect(resolved.payload).toMatchObject({
      kind: "resolved",
      items: [{ key, state: "resolved", until: new Date(from + 3000).toISOString() }],
    });
    expect(resolved.payload.items[0]?.eventKeys).toEqual([`${key}.resolved`]);
    expect(resolved.payload.dedupeKey).not.toBe(opened.payload.dedupeKey);
    expect(receiver?.requests).toHaveLength(2);
    agent.close();
  });

  it("sends the same document again after the receiver failed, with the same key", async () => {
    const agent = await start();
    receiver?.failNext.push(503, 500, 429);
    await send(agent, "DD", Date.now() - 10_000);
    const got = await eventually(() => receiver?.requests[0], 10_000, "the incident");
    expect(receiver?.requests).toHaveLength(1);
    const metrics = await (await fetch(`${collector?.url}/metrics`)).text();
    expect(metrics).toContain('giamsat_notification_messages_retried_total{channel="hook"} 3');
    expect(metrics).toContain('giamsat_notification_messages_sent_total{channel="hook"} 1');
    const audit = collector?.query<{ actor: string; action: string; detail: string }>(
      "SELECT actor, action, detail FROM audit WHERE action = 'notify'",
    );
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit?.[0]?.detail ?? "{}")).toMatchObject({
      dedupeKey: got.payload.dedupeKey,
      outcome: "sent",
      answer: "HTTP 204",
    });
    agent.close();
  });

  it("drops what waits for a channel removed from the config, counted", async () => {
    const kept = tempDir();
    const database = join(kept.path, "collector.db");
    const nobody = `http://127.0.0.1:${await freePort()}/hook`;
    const config = (name: string) => ({
      database,
      notifications: {
        channels: [{ name, type: "webhook", url: nobody }],
        routes: [{ channels: [name] }],
        groupWait: "100ms",
      },
    });
    collector = await testCollector(config("old"));
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
    await agent.hello();
    await send(agent, "DD", Date.now() - 10_000);
    await eventually(() =>
      collector?.query("SELECT 1 FROM notification_messages WHERE state = 'queued'").length === 1
        ? true
        : undefined,
    );
    agent.close();
    await collector.stop();
    collector = await testCollector(config("new"));
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(metrics).toContain('giamsat_notification_messages_dropped_total{channel="old"} 1');
    expect(collector.query("SELECT channel, state FROM notification_messages")).toEqual([
      { channel: "old", state: "dropped" },
    ]);
    await collector.stop();
    collector = undefined;
    kept.remove();
  });
});
