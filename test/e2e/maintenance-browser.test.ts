// The unit page's maintenance forms in a real browser (Debian's Chromium) on a real collector: a
// unit's user declares a window for their unit and ends it early, both in the audit log; what the
// collector refuses comes back as the form, as it was filled in, with what to fix in the reader's
// language; a user of another unit is refused if they post one anyway.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../collector/auth/audit.js";
import { openDatabase } from "../../collector/db/database.js";
import { launchBrowser } from "../helpers/browser.js";
import { type TestCollector, testCollector } from "../helpers/collector.js";
import { addUsers, Browser as HttpBrowser, PASSWORD } from "../helpers/web.js";

const HOUR = 3_600_000;
let collector: TestCollector;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];

/** A time as a datetime-local field takes it, in Vietnam time: 2026-12-12T22:00. */
const vietnamLocal = (ms: number) => new Date(ms + 7 * HOUR).toISOString().slice(0, 16);

beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [
    { name: "leader-a", role: "unit", unit: "unit-a" },
    { name: "leader-b", role: "unit", unit: "unit-b" },
  ]);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await collector?.stop();
});

async function loggedIn(user: string): Promise<Page> {
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({ locale: "vi-VN" });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${collector.url}/login`);
  await page.fill("input[name=name]", user);
  await page.fill("input[name=password]", PASSWORD);
  await Promise.all([page.waitForURL(`${collector.url}/`), page.click("form.login button")]);
  return page;
}

function audit(action: string) {
  const db = openDatabase(collector.config.database);
  try {
    return listAudit(db, { limit: 100 }).filter((row) => row.action === action);
  } finally {
    db.close();
  }
}

describe("maintenance windows from the unit page", () => {
  it("a unit's user declares one for their unit and ends it early, both audited", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await loggedIn("leader-a");
    await page.goto(`${collector.url}/units/unit-a`);
    await expect(page.locator("#maintenance-windows").count()).resolves.toBe(0);
    const start = Date.now() + HOUR;
    await page.fill("#maintenance-form input[name=reason]", "Nâng cấp máy chủ văn bản");
    await page.selectOption("#maintenance-form select[name=every]", "once");
    await page.fill("#maintenance-form input[name=from]", vietnamLocal(start));
    await page.fill("#maintenance-form input[name=to]", vietnamLocal(start + 4 * HOUR));
    await Promise.all([
      page.waitForURL(`${collector.url}/units/unit-a#maintenance`),
      page.click("#maintenance-form button"),
    ]);
    const listed = page.locator("#maintenance-windows li");
    await expect(listed.count()).resolves.toBe(1);
    const line = await listed.first().textContent();
    expect(line).toContain("Nâng cấp máy chủ văn bản");
    expect(line).toContain("một lần");
    expect(line).toContain("do leader-a khai báo");
    const created = audit("maintenance.create");
    expect(created.map((r) => [r.actor, r.unit])).toEqual([["leader-a", "unit-a"]]);

    await Promise.all([
      page.waitForURL(`${collector.url}/units/unit-a#maintenance`),
      listed.first().locator("button").click(),
    ]);
    await expect(page.locator("#maintenance-windows").count()).resolves.toBe(0);
    expect(await page.locator("h2#maintenance + p").textContent()).toBe(
      "Không có khung bảo trì đang diễn ra hoặc sắp tới.",
    );
    expect(audit("maintenance.end").map((r) => [r.actor, r.unit])).toEqual([
      ["leader-a", "unit-a"],
    ]);
  });

  it("sends bad input back as filled in, with what to fix in Vietnamese or English", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await loggedIn("leader-a");
    await page.goto(`${collector.url}/units/unit-a`);
    const start = Date.now() + HOUR;
    await page.fill("#maintenance-form input[name=reason]", "Sao lưu");
    await page.fill("#maintenance-form input[name=from]", vietnamLocal(start));
    // Ends before it starts: the browser lets it through, the collector does not.
    await page.fill("#maintenance-form input[name=to]", vietnamLocal(start - HOUR));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.click("#maintenance-form button"),
    ]);
    expect(answer.status()).toBe(400);
    const problem = page.locator("#maintenance-form [role=alert]");
    expect(await problem.textContent()).toContain(
      "Chưa lưu khung bảo trì. Kiểm tra ô Kết thúc: phải sau Bắt đầu, chưa qua",
    );
    expect(await page.inputValue("#maintenance-form input[name=reason]")).toBe("Sao lưu");
    expect(await page.inputValue("#maintenance-form input[name=from]")).toBe(vietnamLocal(start));

    await page.goto(`${collector.url}/units/unit-a?lang=en`);
    await page.fill("#maintenance-form input[name=reason]", "Weekly backup");
    await page.selectOption("#maintenance-form select[name=every]", "weekly");
    await page.fill("#maintenance-form input[name=at]", "22:00");
    await page.fill("#maintenance-form input[name=duration]", "4h");
    await page.click("#maintenance-form button");
    await page.waitForSelector("#maintenance-form [role=alert]");
    expect(await page.locator("#maintenance-problem").textContent()).toBe(
      "A weekly window needs at least one day of the week.",
    );
    expect(await page.inputValue("#maintenance-form input[name=duration]")).toBe("4h");
    // Ticking a day is all it took: the window is declared, on Saturdays.
    await page.check("#maintenance-form input[name=days][value=sat]");
    await Promise.all([
      page.waitForURL(`${collector.url}/units/unit-a?lang=en#maintenance`),
      page.click("#maintenance-form button"),
    ]);
    expect(await page.locator("#maintenance-windows li").first().textContent()).toContain(
      "Weekly backup: next",
    );
    const schedules = audit("maintenance.create").map((r) => r.detail?.schedule);
    expect(schedules).toContainEqual(expect.objectContaining({ every: "weekly", days: [6] }));
  });

  it("gives a unit's user the form for their own unit only, and refuses one posted for another", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await loggedIn("leader-b");
    await page.goto(`${collector.url}/units/unit-b`);
    await expect(page.locator("#maintenance-form").count()).resolves.toBe(1);
    const http = new HttpBrowser(collector.url);
    expect((await http.login("leader-b", PASSWORD)).status).toBe(303);
    const csrf = await http.csrf();
    const answer = await http.post("/units/unit-a/maintenance", {
      _csrf: csrf,
      reason: "x",
      from: vietnamLocal(Date.now() + HOUR),
      to: vietnamLocal(Date.now() + 2 * HOUR),
    });
    expect(answer.status).toBe(403);
    const page403 = await page.goto(`${collector.url}/units/unit-a`);
    expect(page403?.status()).toBe(403);
  });
});
