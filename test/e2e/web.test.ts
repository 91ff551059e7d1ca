// The leaders' pages in a real browser (Debian's Chromium) on a real collector filled with three
// hours of known results, read the way a leader reads them: the overview's cells, the unit page,
// the printed summary, the exports against the API, a hostile device description, and a sign-off by
// the unit's leader with their own account.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchStore } from "../../collector/agents/batch-store.js";
import type { AgentIdentity } from "../../collector/agents/registry.js";
import { History } from "../../collector/inspection/history.js";
import type { Category } from "../../shared/categories.js";
import { collectorConfigSchema } from "../../shared/config/collector.js";
import type { CheckResult } from "../../shared/protocol.js";
import { launchBrowser } from "../helpers/browser.js";
import { type TestCollector, testCollector } from "../helpers/collector.js";
import { peer } from "../helpers/peers.js";
import { addUsers, PASSWORD } from "../helpers/web.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEP = 2 * MIN;
const HOSTILE = "<img src=x onerror=alert(1)>";
const LEADER = "Lê Văn Ánh";
const UNITS = [
  {
    id: "so-tttt",
    name: "Sở Thông tin và Truyền thông",
    leader: { name: LEADER, title: "Phó Giám đốc" },
    contact: { name: "Trần Thị Bích", phone: "0236 3 000 000" },
  },
  { id: "ubnd-hai-chau", name: "UBND quận Hải Châu", leader: { name: "Phạm Quốc Hưng" } },
];

let collector: TestCollector;
let browser: Browser | undefined;
const contexts = new Map<string, BrowserContext>();
let pdftotext: string | undefined;
/** Last month: a finished period, the one the leader signs, and whose figures stay put. */
let lastMonth: string;

/** Results every 2 minutes for 3 hours up to `end`; `down(ts)` says when the check failed. */
function results(
  check: string,
  category: Category,
  kind: string,
  end: number,
  down: (ts: number) => boolean = () => false,
): CheckResult[] {
  const out: CheckResult[] = [];
  for (let ts = end - 180 * MIN; ts <= end; ts += STEP) {
    const failed = down(ts);
    out.push({
      check,
      category,
      kind,
      ts,
      up: !failed,
      duration: 0.01 + (ts % 7) / 1000,
      ...(failed ? { reason: "timeout" as const, message: `no answer from ${check}` } : {}),
    });
  }
  return out;
}

/** Three hours of results up to `end` from one agent; returns the last seq used. */
function seed(store: BatchStore, agent: AgentIdentity, end: number, firstSeq: number): number {
  const all = [
    ...results("gateway", "lan", "ping", end),
    ...results("host", "equipment", "host", end),
    // Down 16 minutes two hours ago, and again now: one closed incident and one open.
    ...results(
      "portal",
      "online_app",
      "http",
      end,
      (ts) => (ts >= end - 120 * MIN && ts <= end - 106 * MIN) || ts >= end - 4 * MIN,
    ),
    ...results("mail", "shared_software", "tcp", end),
    ...results("office", "shared_software", "process", end, (ts) => ts >= end - 2 * MIN),
    ...results("dc-link", "datacenter", "tcp", end),
  ].sort((a, b) => a.ts - b.ts);
  let seq = firstSeq;
  for (let ts = end - 180 * MIN; ts <= end; ts += STEP) {
    const now = all.filter((r) => r.ts === ts);
    store.write(
      agent,
      {
        type: "batch",
        v: 1,
        seq: ++seq,
        sentAt: ts,
        results: now,
        samples: [],
        ...(ts === end
          ? {
              inventory: [
                {
                  check: "core-switch",
                  kind: "snmp",
                  ts,
                  data: { sysName: "<b>sw-core</b>", sysDescr: HOSTILE, interfaces: [] },
                },
              ],
            }
          : {}),
      },
      ts,
    );
  }
  return seq;
}

beforeAll(async () => {
  const end = Math.floor(Date.now() / STEP) * STEP;
  const vietnam = new Date(end + 7 * HOUR);
  // 11:00 on the 10th of last month, Vietnam time (UTC+7).
  const earlier = Date.UTC(vietnam.getUTCFullYear(), vietnam.getUTCMonth() - 1, 10, 11) - 7 * HOUR;
  lastMonth = new Date(earlier + 7 * HOUR).toISOString().slice(0, 7);
  collector = await testCollector(
    {
      units: UNITS,
      // Last month's raw samples stay, whenever this runs.
      retention: { raw: "400d", fiveMinute: "400d" },
    },
    {
      seed: (db, agents) => {
        const { agent } = agents.enroll("so-tttt", "pc-01", earlier - 200 * MIN);
        // Incidents are followed as the results are stored, as the collector's ingest does.
        const config = collectorConfigSchema.parse({ database: ":memory:" });
        const history = new History(db, {
          retention: config.retention,
          incidents: config.incidents,
          startedAt: earlier - 200 * MIN,
        });
        const store = new BatchStore(db, history.hooks);
        seed(store, agent, end, seed(store, agent, earlier, 0));
      },
    },
  );
  await addUsers(collector.config.database, [
    { name: "thanhtra", role: "city" },
    { name: "anh.le", role: "unit", unit: "so-tttt", leader: true },
  ]);
  browser = await launchBrowser();
  pdftotext = peer("pdftotext");
}, 60_000);

afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await collector?.stop();
});

/** A page opened by a browser logged in as `user` (the city reader unless said). */
async function open(path: string, user = "thanhtra"): Promise<Page> {
  if (!browser) throw new Error("no browser");
  let context = contexts.get(user);
  if (!context) {
    context = await browser.newContext();
    const login = await context.newPage();
    await login.goto(`${collector.url}/login`);
    await login.fill("input[name=name]", user);
    await login.fill("input[name=password]", PASSWORD);
    await Promise.all([login.waitForURL(`${collector.url}/`), login.click("form.login button")]);
    await login.close();
    contexts.set(user, context);
  }
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  const response = await page.goto(`${collector.url}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

describe("the leaders' pages in Chromium", () => {
  it("shows each unit's categories with the right status, the unit not set up first", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await open("/");
    expect(
      await page
        .locator("tbody tr[data-unit]")
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-unit"))),
    ).toEqual(["ubnd-hai-chau", "so-tttt"]);
    const cells = await page.$$eval("td[data-category]", (tds) =>
      tds.map((td) => [
        td.getAttribute("data-unit"),
        td.getAttribute("data-category"),
        td.getAttribute("data-status"),
        td.querySelector(".cell")?.textContent,
      ]),
    );
    expect(cells).toEqual([
      ["so-tttt", "lan", "ok", "Bình thường"],
      ["so-tttt", "equipment", "ok", "Bình thường"],
      ["so-tttt", "online_app", "down", "Gián đoạn"],
      ["so-tttt", "shared_software", "degraded", "Suy giảm"],
      ["so-tttt", "website", "no_checks", "Chưa có hạng mục"],
      ["so-tttt", "datacenter", "ok", "Bình thường"],
    ]);
    // The district has no agent: one cell says so across the six categories, and why comes first.
    const district = page.locator('tr[data-unit="ubnd-hai-chau"]');
    expect(await district.locator("td[data-reason]").innerText()).toBe("Chưa cài đặt máy giám sát");
    // Open incidents: the portal and the office process.
    const reason = await page.locator('td[data-reason="so-tttt"]').innerText();
    expect(reason).toContain("Ứng dụng gián đoạn: portal — không phản hồi");
    expect(reason).toContain("2 sự cố chưa khắc phục");
    expect(await page.locator('td[data-signed=""]').count()).toBe(2);
    await page.close();
  });

  it("names the unit's leader with Vietnamese diacritics, in both languages", async (ctx) => {
    if (!browser) return ctx.skip();
    for (const path of ["/units/so-tttt", "/units/so-tttt?lang=en"]) {
      const page = await open(path);
      expect(await page.locator("[data-leader]").innerText()).toBe(`${LEADER}, Phó Giám đốc`);
      await page.close();
    }
    const english = await open("/units/so-tttt?lang=en");
    expect(await english.locator("h1").innerText()).toBe("Sở Thông tin và Truyền thông");
    expect(await english.locator("th", { hasText: "Leader in charge of IT" }).count()).toBe(1);
    await english.close();
  });

  it("shows what a device reports as text: no markup, no script, no dialog", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await open("/units/so-tttt");
    const row = page.locator('[data-inventory="pc-01/core-switch"]');
    expect(await row.innerText()).toContain(`<b>sw-core</b> — ${HOSTILE}`);
    expect(await row.locator("img, b").count()).toBe(0);
    await page.waitForTimeout(300);
    await page.close();
  });

  it("prints the city summary on A4: the ranking, then one page per unit, with its figures", async (ctx) => {
    if (!browser || !pdftotext) return ctx.skip();
    const page = await open(`/reports?period=${lastMonth}&view=print`);
    const file = join(collector.dir, "city.pdf");
    writeFileSync(file, await page.pdf({ preferCSSPageSize: true }));
    if (process.env.KEEP_PDF)
      writeFileSync("/tmp/web-city.pdf", await page.pdf({ preferCSSPageSize: true }));
    await page.close();
    const pages = execFileSync(pdftotext, ["-layout", file, "-"], { encoding: "utf8" })
      .split("\f")
      .filter((text) => text.trim() !== "");
    expect(pages).toHaveLength(3);
    expect(pages[0]).toContain("Xếp hạng các đơn vị");
    const [first, second] = [pages[1] ?? "", pages[2] ?? ""];
    expect(first).toContain("SỞ THÔNG TIN VÀ TRUYỀN");
    expect(first).toContain(LEADER);
    // The unit's figures as the API has them, written the Vietnamese way.
    const summary = (await (
      await fetch(`${collector.url}/api/v1/units/so-tttt/summary?period=${lastMonth}`, {
        headers: { Cookie: await cookieOf("thanhtra") },
      })
    ).json()) as {
      overall: { availability: number };
      categories: { availability: number | null }[];
    };
    const percent = new Intl.NumberFormat("vi-VN", {
      style: "percent",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    const words = first.replace(/\s+/g, " ");
    expect(words).toContain(
      `Tỷ lệ sẵn sàng của hạ tầng: ${percent.format(summary.overall.availability)}`,
    );
    const shown = [...words.matchAll(/(\d+,\d\d%|—) (\d+,\d\d%) \d+ /g)].map((m) => m[1]);
    expect(shown).toEqual(
      summary.categories.map((c) =>
        c.availability === null ? "—" : percent.format(c.availability),
      ),
    );
    // LAN and the data-center link were up throughout; the portal failed twice.
    expect(shown[0]).toBe("100,00%");
    expect(shown[5]).toBe("100,00%");
    expect(second).toContain("UBND QUẬN HẢI CHÂU");
    // The district has no agent: said once, not as six empty categories.
    expect(second.replace(/\s+/g, " ")).toContain("Chưa cài đặt máy giám sát");
  });

  it("exports the same figures as CSV as the page and the API show", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await open(`/reports/so-tttt?period=${lastMonth}`);
    const shown = await page.$$eval("tr[data-category]", (trs) =>
      trs.map((tr) => ({
        category: tr.getAttribute("data-category"),
        availability: tr.getAttribute("data-availability"),
        coverage: tr.getAttribute("data-coverage"),
        incidents: tr.getAttribute("data-incidents"),
        disruptedMs: tr.getAttribute("data-disrupted-ms"),
      })),
    );
    await page.close();
    expect(shown.find((c) => c.category === "online_app")?.incidents).toBe("2");
    const cookie = await cookieOf("thanhtra");
    const api = (await (
      await fetch(`${collector.url}/api/v1/units/so-tttt/summary?period=${lastMonth}`, {
        headers: { Cookie: cookie },
      })
    ).json()) as {
      categories: {
        category: string;
        availability: number | null;
        coverage: number | null;
        disruptedMs: number;
        incidents: { count: number };
      }[];
    };
    const text = (value: number | null) => (value === null ? "" : String(value));
    expect(
      api.categories.map((c) => ({
        category: c.category,
        availability: text(c.availability),
        coverage: text(c.coverage),
        incidents: String(c.incidents.count),
        disruptedMs: String(c.disruptedMs),
      })),
    ).toEqual(shown);

    const answer = await fetch(
      `${collector.url}/reports/so-tttt?period=${lastMonth}&format=csv&lang=en`,
      {
        headers: { Cookie: cookie },
      },
    );
    expect(answer.headers.get("content-disposition")).toBe(
      `attachment; filename="giamsat-so-tttt-${lastMonth}.csv"`,
    );
    const bytes = Buffer.from(await answer.arrayBuffer());
    // The byte-order mark Excel needs to read UTF-8 (fetch's text() would hide it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...lines] = bytes
      .subarray(3)
      .toString("utf8")
      .trimEnd()
      .split("\r\n")
      .map((line) => line.split(","));
    const column = (name: string) => header?.indexOf(name) ?? -1;
    const percent = (ratio: number | null) =>
      ratio === null ? "" : (Math.round(ratio * 10_000) / 100).toFixed(2);
    expect(
      lines
        .slice(0, 6)
        .map((cells) => [
          cells[column("Unit")],
          cells[column("Availability (%)")],
          cells[column("Coverage (%)")],
          cells[column("Incidents")],
          cells[column("Time with a check down (minutes)")],
        ]),
    ).toEqual(
      api.categories.map((c) => [
        "Sở Thông tin và Truyền thông",
        percent(c.availability),
        percent(c.coverage),
        String(c.incidents.count),
        String(Math.round(c.disruptedMs / 60_000)),
      ]),
    );
  });

  it("records the leader's sign-off, shows it on the unit page, the overview and the report", async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await open("/units/so-tttt", "anh.le");
    await page.selectOption("select[name=period]", lastMonth);
    await page.fill(
      "textarea[name=findings]",
      "Cổng thông tin gián đoạn; đã yêu cầu nhà cung cấp xử lý.",
    );
    await page.fill("textarea[name=actions]", "Kiểm tra lại sau 7 ngày.");
    await page.check("input[name=confirm]");
    await Promise.all([
      page.waitForURL(/\/units\/so-tttt\?saved=\d+#signoffs$/),
      page.click("#signoff-form button"),
    ]);
    expect(await page.locator(".notice").innerText()).toContain("Đã lưu xác nhận kiểm tra");
    const row = page.locator("#signoffs tbody tr").first();
    expect(await row.innerText()).toContain(`${LEADER}, Phó Giám đốc (anh.le)`);
    await page.close();

    const overview = await open("/", "anh.le");
    expect(await overview.locator('td[data-signed="so-tttt"]').count()).toBe(1);
    await overview.close();
    const report = await open(`/reports/so-tttt?period=${lastMonth}`, "anh.le");
    expect(await report.locator('section[data-signed="yes"]').innerText()).toContain(LEADER);
    await report.close();
  });
});

/** The cookies of a logged-in browser, for fetch. */
async function cookieOf(user: string): Promise<string> {
  const context = contexts.get(user);
  if (!context) throw new Error(`${user} has not logged in`);
  return (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
}
