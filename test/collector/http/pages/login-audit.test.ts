// The login form and the audit log in the frame every page has (the header with the language
// switch), every word from the catalogue of the reader's language, times in Vietnam time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../../../collector/auth/audit.js";
import { openDatabase } from "../../../../collector/db/database.js";
import { type TestCollector, testCollector } from "../../../helpers/collector.js";
import { visibleText } from "../../../helpers/pages.js";
import { addUsers, Browser, PASSWORD } from "../../../helpers/web.js";

let collector: TestCollector;
beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [{ name: "auditor", role: "admin" }]);
  const db = openDatabase(collector.config.database);
  recordAudit(
    db,
    { actor: "cli:root", action: "enroll", unit: "unit-a", target: "pc-1" },
    Date.parse("2026-11-01T01:30:00Z"),
  );
  db.close();
});
afterAll(() => collector.stop());

describe("the login form", () => {
  it("is in the common frame, in Vietnamese, and in English with ?lang=en", async () => {
    const browser = new Browser(collector.url);
    const vi = (await browser.get("/login?next=%2F")).text;
    expect(vi).toContain('<header class="top">');
    expect(vi).toContain('hreflang="en" lang="en">English</a>');
    expect(vi).toContain("<title>Đăng nhập · giamsat</title>");
    expect(vi).toContain("Tên đăng nhập<br>");
    expect(vi).toContain("Mật khẩu<br>");
    const en = await browser.get("/login?next=%2F&lang=en");
    expect(en.status).toBe(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('hreflang="vi" lang="vi">Tiếng Việt</a>');
    expect(en.text).toContain('<button type="submit">Log in</button>');
    expect(en.text).toContain('action="/login?lang=en"');
    expect(en.text).toContain('name="next" value="/"');
  });

  it("says a failed login in the language of the form", async () => {
    const browser = new Browser(collector.url);
    const vi = await browser.login("auditor", "not the password");
    expect(vi.status).toBe(401);
    expect(visibleText(vi.text)).toContain("Sai tên đăng nhập hoặc mật khẩu.");
    const token = await browser.csrf("/login?lang=en");
    const en = await browser.post("/login?lang=en", {
      _csrf: token,
      name: "auditor",
      password: "not the password",
      next: "/",
    });
    expect(en.status).toBe(401);
    expect(visibleText(en.text)).toContain("Wrong name or password.");
    expect(visibleText(en.text)).not.toContain("Sai tên");
  });
});

describe("the audit log", () => {
  it("is in the common frame and the reader's language, in Vietnam time", async () => {
    const browser = new Browser(collector.url);
    await browser.login("auditor", PASSWORD);
    const vi = (await browser.get("/audit")).text;
    expect(vi).toContain('<header class="top">');
    expect(vi).toContain("<h1>Nhật ký thao tác</h1>");
    expect(vi).toContain("<th>Người thực hiện</th>");
    // 01:30 UTC is 08:30 in Vietnam.
    expect(visibleText(vi)).toContain(
      "08:30:00 01/11/2026 cli:root Cấp mã cho máy giám sát unit-a pc-1",
    );
    const en = (await browser.get("/audit?lang=en")).text;
    expect(en).toContain("<h1>Audit log</h1>");
    expect(en).toContain(
      "<th>When</th><th>Who</th><th>What</th><th>Unit</th><th>Agent or user</th>",
    );
    expect(visibleText(en)).toContain("Enrolled a monitoring agent");
    expect(en).toContain('<a class="lang" href="/audit" hreflang="vi" lang="vi">Tiếng Việt</a>');
  });
});
