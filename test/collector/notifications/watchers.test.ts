// Problems that are not incidents, raised by the watchers on the notifier's minute: a certificate
// announced once per threshold crossed and ended when renewed; an agent whose dropped-samples
// counter grows; the collector's disk and remote_write. Each is routed like an incident.
import { statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { METRICS } from "../../../shared/metrics.js";
import { type NotifyingStore, notifyingStore } from "../../helpers/notifications.js";
import { vn } from "../../helpers/store.js";

const DAY = 86_400_000;
const MIN = 60_000;
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const settings = (notifications: Record<string, unknown> = {}) => ({
  units: [
    {
      id: "so-tttt",
      name: "Sở Thông tin và Truyền thông",
      contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn" },
    },
  ],
  notifications: {
    channels: [{ name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" }],
    routes: [{ channels: ["mail"] }, { channels: ["mail"], to: "operators", default: true }],
    operators: [{ email: "trucban@danang.gov.vn" }],
    groupWait: "0s",
    diskFreeRatio: 0,
    summaries: { monthly: false },
    ...notifications,
  },
});

const said = (s: NotifyingStore) =>
  s
    .queued()
    .map((m) =>
      m.message.items.map((i) =>
        `${i.subject} ${i.state} ${i.state === "open" ? (i.detail.threshold ?? "") : ""}`.trim(),
      ),
    );

describe("the certificate watcher", () => {
  it("announces each threshold once, and the renewal as the end", async () => {
    store = notifyingStore(settings());
    const agent = store.agent("so-tttt", "pc-01");
    const labels = { check: "portal-tls", category: "website", kind: "tls" };
    const t0 = vn("09:00:00");
    let notAfter = t0 + 40 * DAY;
    for (let day = 0; day < 45; day++) {
      const ts = t0 + day * DAY;
      if (day === 41) notAfter = ts + 365 * DAY; // renewed a day after it expired
      store.write(
        agent,
        [{ check: "portal-tls", category: "website", ts, up: true, kind: "tls" }],
        [{ metric: METRICS.tlsExpiry.name, labels, ts, value: notAfter / 1000 }],
      );
      await store.at(ts + MIN, { watch: true });
    }
    expect(said(store)).toEqual([
      ["certificate open 30"],
      ["certificate open 14"],
      ["certificate open 7"],
      ["certificate open 1"],
      ["certificate resolved"],
    ]);
    const [first, , , last] = store.queued().map((m) => m.message);
    expect(first?.subject).toBe("[giamsat] Sở Thông tin và Truyền thông: Gián đoạn: portal-tls");
    expect(first?.text).toContain("Chứng thư số của portal-tls hết hạn ngày");
    expect(first?.text).toContain("còn 29 ngày: cần gia hạn");
    expect(last?.items[0]?.severity).toBe("critical");
    expect(store.queued().every((m) => m.address === "binh@example.gov.vn")).toBe(true);
  });
});

describe("the agents' buffer watcher", () => {
  it("announces an agent dropping data, and its end after half an hour without drops", async () => {
    store = notifyingStore(settings());
    const agent = store.agent("so-tttt", "pc-01");
    const t0 = vn("09:00:00");
    const labels = { reason: "full" };
    for (let minute = 0; minute < 90; minute++) {
      const ts = t0 + minute * MIN;
      // 100 samples dropped a minute from 09:10 to 09:20.
      const dropped = 100 * Math.max(0, Math.min(minute, 20) - 10);
      store.write(
        agent,
        [],
        [{ metric: METRICS.agentBufferDropped.name, labels, ts, value: dropped }],
      );
      await store.at(ts + 1000, { watch: true });
    }
    expect(said(store)).toEqual([["buffer open"], ["buffer resolved"]]);
    const [open, end] = store.queued().map((m) => m.message);
    expect(open?.text).toContain("Tác tử giám sát pc-01 đang phải bỏ dữ liệu do bộ đệm đầy");
    expect(end?.createdAt).toBeGreaterThan(t0 + 50 * MIN);
  });
});

describe("the collector's health watcher", () => {
  it("announces remote_write dropping samples to the operators, without a unit", async () => {
    store = notifyingStore(settings());
    const counter = store.metrics.remoteWriteDropped;
    const t0 = vn("09:00:00");
    counter.inc({ endpoint: "vm" }, 0);
    await store.at(t0, { watch: true });
    counter.inc({ endpoint: "vm" }, 500);
    await store.at(t0 + MIN, { watch: true });
    for (let minute = 2; minute < 40; minute++) await store.at(t0 + minute * MIN, { watch: true });
    expect(said(store)).toEqual([["remote_write open"], ["remote_write resolved"]]);
    const [open] = store.queued();
    expect(open?.address).toBe("trucban@danang.gov.vn");
    expect(open?.message.unit).toBeNull();
    expect(open?.message.subject).toBe("[giamsat] Máy chủ giám sát: Gián đoạn: vm");
    expect(open?.message.text).toContain("Máy chủ giám sát đang bỏ số liệu chuyển tiếp tới vm.");
  });

  it("announces the database's disk below its free share", async (ctx) => {
    // The threshold is set just above what the real disk has free.
    const disk = statfsSync(tmpdir());
    const free = disk.bavail / disk.blocks;
    if (free > 0.85) return ctx.skip();
    store = notifyingStore(settings({ diskFreeRatio: Math.min(0.9, free + 0.05) }));
    await store.at(vn("09:00:00"), { watch: true });
    expect(said(store)).toEqual([["disk open"]]);
    expect(store.queued()[0]?.message.text).toContain(
      "Ổ đĩa của máy chủ giám sát gần đầy: chỉ còn trống",
    );
  });
});
