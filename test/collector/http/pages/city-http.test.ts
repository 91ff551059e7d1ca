// The pages around the figures, over HTTP as a browser gets them: the login form, error pages,
// the audit log and the user bar in the reader's language and in Vietnam time; and sign-off as a
// record a leader signs with their own account.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../../../collector/auth/audit.js";
import { at, type City, city, NOW, PASSWORD } from "../../../helpers/city.js";
import { type StoreServer, serveStore } from "../../../helpers/city-server.js";
import { element, visibleText } from "../../../helpers/pages.js";
import { Browser } from "../../../helpers/web.js";

let town: City;
let server: StoreServer;

beforeAll(async () => {
  town = await city();
  recordAudit(
    town.store.db,
    { actor: "cli:root", action: "enroll", unit: "so-tttt", target: "pc-01" },
    at("2026-11-01 08:30"),
  );
  server = await serveStore(town.store, NOW);
}, 120_000);
afterAll(async () => {
  await server?.close();
  town?.store.close();
});

async function as(name: string): Promise<Browser> {
  const browser = new Browser(server.url);
  expect((await browser.login(name, PASSWORD)).status).toBe(303);
  return browser;
}

describe("the login form", () => {
  it("speaks one language, the one chosen, in the common frame with its style", async () => {
    const browser = new Browser(server.url);
    const en = await browser.get("/login?lang=en");
    expect(en.status).toBe(200);
    expect(en.text).toContain('<html lang="en">');
    const text = visibleText(en.text);
    expect(text).toContain("Log in");
    expect(text).not.toContain("Đăng nhập");
    const vi = visibleText((await browser.get("/login")).text);
    expect(vi).toContain("Đăng nhập");
    expect(vi).not.toContain("Log in");
  });
});

describe("error pages", () => {
  it("are pages in the reader's language, with lang, the reason in words and a way back", async () => {
    const browser = await as("bcd112");
    const missing = await browser.get("/units/khong-co");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    expect(missing.text).toContain('<html lang="vi">');
    expect(visibleText(missing.text)).toContain("Không tìm thấy");
    expect(missing.text).toContain('href="/"');
    const bad = await browser.get("/reports?period=2026-13&lang=en");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<html lang="en">');
    expect(visibleText(bad.text)).toContain("2026-13");
    expect(visibleText(bad.text)).not.toContain("undefined");
  });

  it("tell a unit user they may not read another unit, in words", async () => {
    const staff = await as("bich.tt");
    const other = await staff.get("/units/so-yte");
    expect(other.status).toBe(403);
    expect(visibleText(other.text)).toContain("Không có quyền");
  });
});

describe("the audit log and the user bar", () => {
  it("says actions in words, in Vietnam time", async () => {
    const admin = await as("quantri");
    const text = visibleText((await admin.get("/audit")).text);
    expect(text).toContain("08:30:00 01/11/2026");
    expect(text).not.toContain("UTC");
    expect(text).toContain("Cấp mã cho máy giám sát");
  });

  it("names the role in words", async () => {
    const text = visibleText((await (await as("bcd112")).get("/")).text);
    expect(text).toContain("Theo dõi toàn thành phố");
    const leader = visibleText((await (await as("anh.lv")).get("/")).text);
    expect(leader).toContain("Lãnh đạo đơn vị");
  });
});

describe("sign-off", () => {
  const form = (extra: Record<string, string> = {}) => ({
    period: "2026-11",
    date: "2026-12-04",
    findings: "Đã xem xét; cổng dịch vụ công gián đoạn ngày 12/11, đã xử lý.",
    actions: "Theo dõi thêm.",
    confirm: "yes",
    ...extra,
  });

  it("refuses a date in the future, and a period not yet over", async () => {
    const leader = await as("anh.lv");
    const csrf = await leader.csrf("/units/so-tttt");
    const future = await leader.post("/units/so-tttt/signoff", {
      ...form({ date: "2031-01-01" }),
      _csrf: csrf,
    });
    expect(future.status).toBe(400);
    expect(visibleText(future.text)).toContain("tương lai");
    const running = await leader.post("/units/so-tttt/signoff", {
      ...form({ period: "2026-12", date: "2026-12-05" }),
      _csrf: csrf,
    });
    expect(running.status).toBe(400);
    const before = await leader.post("/units/so-tttt/signoff", {
      ...form({ date: "2026-10-31" }),
      _csrf: csrf,
    });
    expect(before.status).toBe(400);
  });

  it("wants the statement confirmed", async () => {
    const leader = await as("anh.lv");
    const csrf = await leader.csrf("/units/so-tttt");
    const { confirm: _, ...unconfirmed } = form();
    const answer = await leader.post("/units/so-tttt/signoff", { ...unconfirmed, _csrf: csrf });
    expect(answer.status).toBe(400);
  });

  it("lets only the unit's leader sign, and says so to the others", async () => {
    const staff = await as("bich.tt");
    const page = (await staff.get("/units/so-tttt")).text;
    expect(page).not.toContain('id="signoff-form"');
    expect(visibleText(page)).toContain("Chỉ lãnh đạo phụ trách");
    const csrf = await staff.csrf("/units/so-tttt");
    expect((await staff.post("/units/so-tttt/signoff", { ...form(), _csrf: csrf })).status).toBe(
      403,
    );
  });

  it("records a past period signed by the leader, confirms it, and shows who and when", async () => {
    const leader = await as("anh.lv");
    const page = (await leader.get("/units/so-tttt")).text;
    const statement = visibleText(element(page, "form", 'id="signoff-form"'));
    expect(statement).toContain("Tháng 11/2026");
    expect(statement).toMatch(/xác nhận/i);
    const csrf = await leader.csrf("/units/so-tttt");
    const saved = await leader.post("/units/so-tttt/signoff", {
      ...form({ period: "2026-10", date: "2026-11-03" }),
      _csrf: csrf,
    });
    expect(saved.status).toBe(303);
    const back = await leader.get(saved.headers.get("location") ?? "");
    expect(visibleText(back.text)).toContain("Đã lưu xác nhận kiểm tra Tháng 10/2026");
    const report = visibleText(
      element(
        (await leader.get("/reports/so-tttt?period=2026-10")).text,
        "section",
        'class="signoffs"',
      ),
    );
    expect(report).toContain("Lê Văn Ánh");
    expect(report).toContain("anh.lv");
    expect(report).toContain("10:00 05/12/2026");
    expect(report).toContain("03/11/2026");
  });
});
