// Maintenance windows through the JSON API of a running collector: a unit's user plans its own
// unit's work and gets 403 for another unit's; operators plan any; the window is listed, shows on
// /metrics for the checks it covers, is ended early, and every create and end is in the audit log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { find, parseExposition } from "../../helpers/metrics.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

let collector: TestCollector;
const HOUR = 3_600_000;

async function as(name: string): Promise<{ browser: Browser; csrf: string }> {
  const browser = new Browser(collector.url);
  expect((await browser.login(name, PASSWORD)).status).toBe(303);
  return { browser, csrf: await browser.csrf() };
}

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [
    { name: "leader-a", role: "unit", unit: "unit-a" },
    { name: "operator", role: "operator" },
    { name: "viewer", role: "city" },
  ]);
});
afterAll(() => collector.stop());

describe("maintenance windows through the API", () => {
  it("a unit's user plans its own unit and gets 403 for another; the API lists, ends and audits", async () => {
    const { browser, csrf } = await as("leader-a");
    const now = Date.now();
    const window = { from: iso(now), to: iso(now + 2 * HOUR), reason: "Nâng cấp máy chủ" };

    const foreign = await browser.postJson(
      "/api/v1/maintenance",
      { units: ["unit-b"], ...window },
      csrf,
    );
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.text)).toEqual({
      error: "leader-a (unit of unit-a) may not plan maintenance for unit unit-b",
    });
    const noToken = await browser.postJson(
      "/api/v1/maintenance",
      { units: ["unit-a"], ...window },
      undefined,
    );
    expect(noToken.status).toBe(403);
    const bad = await browser.postJson(
      "/api/v1/maintenance",
      { units: ["unit-a"], every: "weekly", at: "22:00", duration: "4h", reason: "x" },
      csrf,
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: "days: every: weekly needs days" });
    const past = await browser.postJson(
      "/api/v1/maintenance",
      { units: ["unit-a"], from: iso(now - 3 * HOUR), to: iso(now - HOUR), reason: "x" },
      csrf,
    );
    expect(past.status).toBe(400);
    expect(JSON.parse(past.text).error).toMatch(/^to: .* has passed/);

    const created = await browser.postJson(
      "/api/v1/maintenance",
      { units: ["unit-a"], ...window },
      csrf,
    );
    expect(created.status).toBe(201);
    const view = JSON.parse(created.text) as {
      id: number;
      current: { from: number; to: number } | null;
    };
    expect(view).toMatchObject({
      units: ["unit-a"],
      reason: "Nâng cấp máy chủ",
      every: "once",
      createdBy: "leader-a",
    });
    expect(view.current).toEqual({ from: Date.parse(window.from), to: Date.parse(window.to) });

    // The unit page lists it, on now.
    const page = (await browser.get("/units/unit-a")).text;
    const section = page.slice(
      page.indexOf('id="maintenance"'),
      page.indexOf('id="notifications"'),
    );
    expect(section).toContain("Nâng cấp máy chủ");
    expect(section).toContain("đang diễn ra");
    expect(section).toContain("do leader-a khai báo");

    const viewer = await as("viewer");
    const listed = JSON.parse((await viewer.browser.get("/api/v1/maintenance")).text) as {
      windows: { id: number }[];
    };
    expect(listed.windows.map((w) => w.id)).toEqual([view.id]);
    // A viewer may read but not plan or end.
    const refused = await viewer.browser.postJson(
      `/api/v1/maintenance/${view.id}/end`,
      undefined,
      viewer.csrf,
    );
    expect(refused.status).toBe(403);

    const ended = await browser.postJson(`/api/v1/maintenance/${view.id}/end`, undefined, csrf);
    expect(ended.status).toBe(200);
    expect(JSON.parse(ended.text)).toMatchObject({ id: view.id, current: null, next: null });
    const again = await browser.postJson(`/api/v1/maintenance/${view.id}/end`, undefined, csrf);
    expect(again.status).toBe(409);

    const db = openDatabase(collector.config.database);
    const audit = listAudit(db).filter((row) => row.action.startsWith("maintenance."));
    db.close();
    expect(audit.map((row) => [row.actor, row.action, row.unit, row.target])).toEqual([
      ["leader-a", "maintenance.end", "unit-a", `window ${view.id}`],
      ["leader-a", "maintenance.create", "unit-a", `window ${view.id}`],
    ]);
    expect(audit[1]?.detail).toMatchObject({ reason: "Nâng cấp máy chủ" });
  });

  it("shows giamsat_maintenance_active on /metrics for the checks a window covers now", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "pc-01"));
    await agent.hello();
    agent.send(batch(1, Date.now()));
    await agent.next((m) => m.type === "ack");
    const { browser, csrf } = await as("operator");
    const now = Date.now();
    const created = await browser.postJson(
      "/api/v1/maintenance",
      {
        units: ["unit-b"],
        checks: ["gw"],
        from: iso(now),
        to: iso(now + HOUR),
        reason: "Thay switch",
      },
      csrf,
    );
    expect(created.status).toBe(201);
    const labels = { unit: "unit-b", agent: "pc-01", check: "gw", category: "lan" };
    let shown: number[] = [];
    for (let i = 0; i < 150 && shown.length === 0; i++) {
      const text = await (await fetch(`${collector.url}/metrics`)).text();
      shown = find(parseExposition(text), "giamsat_maintenance_active", labels).map((s) => s.value);
      if (shown.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(shown).toEqual([1]);
    agent.close();
  });
});
