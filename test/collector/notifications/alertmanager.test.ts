// A real Alertmanager: an incident is an alert in /api/v2/alerts with the labels alertname, unit,
// category, check and severity while it fires, sent again every resend interval with endsAt ahead
// so it never lapses, ended on resolution; Alertmanager's own webhook receiver delivers it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alertmanager, type GettableAlert } from "../../helpers/alertmanager.js";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { peer } from "../../helpers/peers.js";
import { eventually } from "../../helpers/processes.js";

const binary = peer("prometheus-alertmanager");
const RESEND_MS = 1000;

function portal(seq: number, ts: number, up: boolean) {
  return batch(seq, ts, {
    results: [
      {
        check: "portal",
        category: "website",
        kind: "http",
        ts,
        up,
        duration: 0.2,
        ...(up ? {} : { reason: "timeout", message: "no answer within 10 s" }),
      },
    ],
    samples: [],
  });
}

describe.skipIf(!binary)("notifications to a real Alertmanager", () => {
  let am: Alertmanager;
  let collector: TestCollector;
  let agent: RawAgent;
  let seq = 0;
  const send = async (up: boolean) => {
    seq++;
    agent.send(portal(seq, Date.now() - 1000 + seq, up));
    await agent.next((m) => m.type === "ack" && m.seq === seq);
  };
  const ours = async () =>
    (await am.alerts()).filter((a) => a.labels.alertname === "GiamsatCheckIncident");

  beforeAll(async () => {
    am = new Alertmanager(binary as string);
    await am.start();
    collector = await testCollector({
      web: { publicUrl: "https://giamsat.danang.gov.vn" },
      notifications: {
        channels: [{ name: "am", type: "alertmanager", url: am.url, resendInterval: "1s" }],
        routes: [{ channels: ["am"] }],
        groupWait: "100ms",
      },
    });
    agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
    await agent.hello();
  });

  afterAll(async () => {
    agent?.close();
    await collector?.stop();
    await am?.stop();
  });

  it("fires with the labels, annotations in both languages and a link to the unit page", async () => {
    await send(false);
    await send(false);
    const [alert] = await eventually(async () => {
      const found = await ours();
      return found.length > 0 ? found : undefined;
    }, 15_000);
    expect(alert?.labels).toEqual({
      alertname: "GiamsatCheckIncident",
      unit: "unit-a",
      category: "website",
      check: "portal",
      agent: "pc-01",
      severity: "critical",
      incident: expect.stringMatching(/^i\d+$/),
    });
    expect(alert?.status.state).toBe("active");
    expect(alert?.generatorURL).toBe("https://giamsat.danang.gov.vn/units/unit-a");
    expect(alert?.annotations.summary_vi).toBe("Gián đoạn: portal");
    expect(alert?.annotations.summary_en).toBe("Down: portal");
    expect(alert?.annotations.description_vi).toContain("không phản hồi: no answer within 10 s");
    expect(alert?.annotations.description_en).toContain("no answer: no answer within 10 s");
    expect(alert?.annotations.summary).toBe(alert?.annotations.summary_vi);
  });

  it("stays firing across several resend intervals, endsAt moving ahead", async () => {
    const seen: GettableAlert[] = [];
    for (let i = 0; i < 6; i++) {
      const [alert] = await ours();
      expect(alert?.status.state, `poll ${i}`).toBe("active");
      seen.push(alert as GettableAlert);
      expect(Date.parse(alert?.endsAt ?? "")).toBeGreaterThan(Date.now() + RESEND_MS);
      await new Promise((r) => setTimeout(r, RESEND_MS));
    }
    const ends = seen.map((a) => Date.parse(a.endsAt));
    expect(ends.at(-1)).toBeGreaterThan(ends[0] as number);
    const delivered = await eventually(() => (am.delivered.length > 0 ? am.delivered : undefined));
    expect(delivered.every((d) => d.status === "firing")).toBe(true);
    expect(delivered[0]?.alerts[0]?.labels).toMatchObject({ check: "portal", unit: "unit-a" });
  });

  it("ends on resolution, and Alertmanager's receiver is told", async () => {
    await send(true);
    await send(true);
    await eventually(async () => ((await ours()).length === 0 ? true : undefined), 15_000);
    const resolved = await eventually(
      () => am.delivered.find((d) => d.status === "resolved"),
      15_000,
      "the resolved notification",
    );
    expect(resolved.alerts[0]).toMatchObject({
      status: "resolved",
      labels: { alertname: "GiamsatCheckIncident", check: "portal" },
    });
    // Not firing again afterwards: the resolved alert is not sent anew.
    await new Promise((r) => setTimeout(r, 3 * RESEND_MS));
    expect(await ours()).toEqual([]);
  });
});
