// Grouping, routing and reminders on a store driven by hand: a unit's link outage is one message
// naming the link and listing the checks it took down, then one all-clear; events of a unit within
// groupWait are one message; a problem still open is reminded of; the policy may hold a beginning
// back but never the end of one announced; routes fall back to the default route; quiet hours hold
// what is not critical; the queue drops its oldest past its bound.
import { afterEach, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import type { Suppressor } from "../../../collector/notifications/policy.js";
import { type NotifyingStore, notifyingStore } from "../../helpers/notifications.js";
import { schedule, type TestResult, vn } from "../../helpers/store.js";

const SEC = 1000;
const MIN = 60 * SEC;
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const contact = { name: "Trần Văn Bình", email: "binh@example.gov.vn" };
const base = (notifications: Record<string, unknown> = {}) => ({
  units: [
    // dc-link is the unit's root: its website and online application depend on it.
    { id: "so-tttt", name: "Sở Thông tin và Truyền thông", contact, root: "dc-link" },
    { id: "quan-hai-chau", name: "UBND quận Hải Châu" },
  ],
  notifications: {
    channels: [{ name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" }],
    routes: [{ channels: ["mail"] }],
    ...notifications,
  },
});

/** Results every 10 s of each check in [from, to), down while `down` says so. */
function results(
  checks: [string, TestResult["category"]][],
  from: number,
  to: number,
  down: (check: string, ts: number) => boolean,
): TestResult[] {
  return checks
    .flatMap(([check, category]) =>
      schedule(check, category, from, to, 10 * SEC, (ts) => down(check, ts)),
    )
    .sort((a, b) => a.ts - b.ts);
}

const CHECKS: [string, TestResult["category"]][] = [
  ["dc-link", "datacenter"],
  ["portal", "website"],
  ["egov", "online_app"],
  ["printer", "lan"],
];

describe("a unit's link outage", () => {
  it("is one message naming the link and listing the affected checks, then one all-clear", async () => {
    store = notifyingStore(base({ groupWait: "30s" }));
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const cut = (check: string, ts: number) =>
      check !== "printer" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    for (let t = t0; t < t0 + 20 * MIN; t += MIN) {
      store.write(agent, results(CHECKS, t, t + MIN, cut));
      await store.at(t + MIN);
    }
    const sent = store.queued();
    expect(sent.map((m) => m.message.kind)).toEqual(["problem", "resolved"]);
    const [down, back] = sent.map((m) => m.message);
    expect(down?.subject).toBe(
      "[giamsat] Sở Thông tin và Truyền thông: mất kết nối Trung tâm tích hợp dữ liệu, 2 kiểm tra bị ảnh hưởng",
    );
    expect(down?.items).toHaveLength(1);
    expect(down?.items[0]).toMatchObject({ subject: "link", state: "open", check: "dc-link" });
    expect(down?.items[0]?.affected.map((a) => [a.check, a.category, a.until])).toEqual([
      ["egov", "online_app", null],
      ["portal", "website", null],
    ]);
    expect(down?.text).toContain("Các kiểm tra bị ảnh hưởng:");
    expect(back?.items[0]).toMatchObject({ subject: "link", state: "resolved" });
    expect(back?.items[0]?.affected.every((a) => a.until !== null)).toBe(true);
    expect(back?.subject).toBe(
      "[giamsat] Sở Thông tin và Truyền thông: kết nối Trung tâm tích hợp dữ liệu đã phục hồi",
    );
    expect(sent.every((m) => m.address === "binh@example.gov.vn")).toBe(true);
  });

  it("names the checks by the titles their agent gave them, and by their names where none", async () => {
    store = notifyingStore(base({ groupWait: "30s" }));
    const agent = store.agent("so-tttt", "pc-01");
    new AgentStore(store.db).recordHello(
      agent.id,
      {
        hostname: "pc-01",
        os: "linux",
        agentVersion: "test",
        titles: { "dc-link": "Đường truyền về Trung tâm", portal: "Cổng thông tin điện tử" },
      },
      vn("09:00:00"),
    );
    const t0 = vn("10:00:00");
    const cut = (check: string, ts: number) =>
      check !== "printer" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    for (let t = t0; t < t0 + 5 * MIN; t += MIN) {
      store.write(agent, results(CHECKS, t, t + MIN, cut));
      await store.at(t + MIN);
    }
    const [down] = store.queued().map((m) => m.message);
    expect(down?.items[0]).toMatchObject({
      check: "dc-link",
      checkTitle: "Đường truyền về Trung tâm",
    });
    expect(down?.text).toContain("Đường truyền về Trung tâm");
    expect(down?.text).toContain("Cổng thông tin điện tử (pc-01,");
    // egov has no title: its name stands.
    expect(down?.text).toContain("egov (pc-01,");
    expect(down?.text).not.toContain("portal (pc-01,");
  });

  it("covers a check that fails later, and lists it in the all-clear", async () => {
    store = notifyingStore(base({ groupWait: "30s" }));
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const cut = (check: string, ts: number) =>
      (check === "dc-link" || check === "portal") && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN
        ? true
        : check === "egov" && ts >= t0 + 5 * MIN && ts < t0 + 10 * MIN;
    for (let t = t0; t < t0 + 20 * MIN; t += MIN) {
      store.write(agent, results(CHECKS, t, t + MIN, cut));
      await store.at(t + MIN);
    }
    const [down, back, ...more] = store.queued().map((m) => m.message);
    expect(more).toEqual([]);
    expect(down?.items[0]?.affected.map((a) => a.check)).toEqual(["portal"]);
    expect(back?.items[0]?.affected.map((a) => a.check)).toEqual(["portal", "egov"]);
    // Failing while the link was down, they opened no incidents: no events of their own.
    expect(store.events().map((e) => e.key)).toEqual([
      store.events()[0]?.key,
      store.events()[0]?.key,
    ]);
  });

  it("announces a check still down after the link is back as its own problem, with the all-clear", async () => {
    store = notifyingStore(base({ groupWait: "30s", resolveWait: "5m" }));
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const cut = (check: string, ts: number) =>
      check === "portal"
        ? ts >= t0 + 2 * MIN && ts < t0 + 30 * MIN
        : check !== "printer" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    for (let t = t0; t < t0 + 40 * MIN; t += MIN) {
      store.write(agent, results(CHECKS, t, t + MIN, cut));
      await store.at(t + MIN);
    }
    const messages = store.queued().map((m) => m.message);
    expect(messages.map((m) => m.items.map((i) => [i.subject, i.check, i.state]))).toEqual([
      [["link", "dc-link", "open"]],
      [
        ["check", "portal", "open"],
        ["link", "dc-link", "resolved"],
      ],
      [["check", "portal", "resolved"]],
    ]);
    // The portal's own problem began with its first failure after the link was back.
    const own = messages[1]?.items[0];
    expect(own?.since).toBe(t0 + 10 * MIN);
  });
});

describe("grouping and reminders", () => {
  it("makes one message of a unit's problems within groupWait, and another of later ones", async () => {
    store = notifyingStore(base({ groupWait: "30s" }));
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const down = (check: string, ts: number) =>
      (check === "portal" && ts >= t0 + 60 * SEC) ||
      (check === "egov" && ts >= t0 + 70 * SEC) ||
      (check === "printer" && ts >= t0 + 5 * MIN);
    const checks = CHECKS.filter(([c]) => c !== "dc-link");
    for (let t = t0; t < t0 + 10 * MIN; t += 10 * SEC) {
      store.write(agent, results(checks, t, t + 10 * SEC, down));
      await store.at(t + 10 * SEC);
    }
    const items = store.queued().map((m) => m.message.items.map((i) => i.check));
    expect(items).toEqual([["portal", "egov"], ["printer"]]);
    expect(store.queued()[0]?.message.subject).toBe(
      "[giamsat] Sở Thông tin và Truyền thông: 2 sự cố",
    );
  });

  it("reminds of a problem still open every repeatInterval, and not after its end", async () => {
    store = notifyingStore(base({ groupWait: "0s", repeatInterval: "1h" }));
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const down = (_c: string, ts: number) => ts >= t0 + MIN && ts < t0 + 150 * MIN;
    for (let t = t0; t < t0 + 200 * MIN; t += MIN) {
      store.write(agent, results([["portal", "website"]], t, t + MIN, down));
      await store.at(t + MIN, { watch: true });
    }
    const kinds = store.queued().map((m) => m.message.kind);
    expect(kinds).toEqual(["problem", "repeat", "repeat", "resolved"]);
    const reminder = store.queued()[1]?.message;
    expect(reminder?.subject).toBe("[giamsat] Sở Thông tin và Truyền thông: Vẫn gián đoạn: portal");
    expect(reminder?.text).toContain("Vẫn chưa khắc phục: portal gián đoạn từ");
  });
});

describe("the policy", () => {
  it("holds a beginning back with its reason, but never the end of one announced", async () => {
    let planned = new Set(["backup"]);
    const maintenance: Suppressor = {
      name: "planned",
      suppress: (event) =>
        planned.has(String(event.detail.check)) ? "inside a maintenance window" : undefined,
    };
    store = notifyingStore(base({ groupWait: "0s" }), [maintenance]);
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    const down = (check: string, ts: number) =>
      check === "backup"
        ? ts >= t0 + MIN && ts < t0 + 5 * MIN
        : ts >= t0 + 2 * MIN && ts < t0 + 6 * MIN;
    const checks: [string, TestResult["category"]][] = [
      ["backup", "shared_software"],
      ["portal", "website"],
    ];
    for (let t = t0; t < t0 + 10 * MIN; t += MIN) {
      // portal's incident opens at 10:02 unsuppressed; from 10:04 on everything would be held back.
      if (t >= t0 + 4 * MIN) planned = new Set(["backup", "portal"]);
      store.write(agent, results(checks, t, t + MIN, down));
      await store.at(t + MIN);
    }
    const said = store.queued().map((m) => m.message.items.map((i) => `${i.check} ${i.state}`));
    expect(said).toEqual([["portal open"], ["portal resolved"]]);
    const backup = store.events().filter((e) => e.key === store?.events()[0]?.key);
    expect(backup.map((e) => [e.event, e.status, e.reason])).toEqual([
      ["opened", "suppressed", "planned: inside a maintenance window"],
      ["resolved", "suppressed", "its beginning was not announced"],
    ]);
  });
});

describe("routes", () => {
  it("fall back to the default route for a unit without a contact", async () => {
    store = notifyingStore(
      base({
        groupWait: "0s",
        operators: [{ name: "Trực ban", email: "trucban@danang.gov.vn" }],
        routes: [
          { channels: ["mail"], to: "unit-contacts" },
          { channels: ["mail"], to: "operators", default: true, lang: "en" },
        ],
      }),
    );
    const t0 = vn("10:00:00");
    for (const unit of ["so-tttt", "quan-hai-chau"]) {
      const agent = store.agent(unit, "pc-01");
      store.write(
        agent,
        results([["portal", "website"]], t0, t0 + MIN, () => true),
      );
    }
    await store.at(t0 + MIN);
    const sent = store.queued().map((m) => [m.address, m.message.lang, m.message.unit?.id]);
    expect(sent.sort()).toEqual([
      ["binh@example.gov.vn", "vi", "so-tttt"],
      ["trucban@danang.gov.vn", "en", "quan-hai-chau"],
    ]);
    const english = store.queued().find((m) => m.message.lang === "en");
    expect(english?.message.subject).toBe("[giamsat] UBND quận Hải Châu: Down: portal");
  });

  it("hold what is not critical during quiet hours, and send what is at once", async () => {
    store = notifyingStore(
      base({
        groupWait: "0s",
        routes: [{ channels: ["mail"], quietHours: { from: "22:00", to: "06:30" } }],
      }),
    );
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("23:00:00");
    const checks: [string, TestResult["category"]][] = [
      ["printer", "lan"],
      ["portal", "website"],
    ];
    store.write(
      agent,
      results(checks, t0, t0 + MIN, () => true),
    );
    await store.at(t0 + MIN);
    const held = store.queued().map((m) => [m.message.items[0]?.check, m.notBefore]);
    expect(held.sort()).toEqual([
      ["portal", 0],
      ["printer", vn("06:30:00", "2026-03-03")],
    ]);
  });

  it("drop the oldest messages past the queue's bound, counted on /metrics", async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ email: `p${i}@x.vn` }));
    store = notifyingStore(
      base({
        groupWait: "0s",
        routes: [{ channels: ["mail"], to: many }],
        queue: { maxMessages: 100 },
      }),
    );
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("10:00:00");
    store.write(
      agent,
      results([["portal", "website"]], t0, t0 + MIN, () => true),
    );
    await store.at(t0 + MIN);
    store.write(
      agent,
      results([["egov", "online_app"]], t0 + MIN, t0 + 2 * MIN, () => true),
    );
    await store.at(t0 + 2 * MIN);
    const states = store.queued().map((m) => m.state);
    expect(states.filter((s) => s === "dropped")).toHaveLength(20);
    expect(states.slice(0, 20).every((s) => s === "dropped")).toBe(true);
    const metrics = await store.registry.metrics();
    expect(metrics).toContain('giamsat_notification_messages_dropped_total{channel="mail"} 20');
    expect(metrics).toContain('giamsat_notification_queue_messages{channel="mail"} 100');
  });
});
