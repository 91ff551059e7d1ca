// The login form and the audit log in the frame every page has (the header with the language
// switch), every word from the catalogue: the login form says each thing in both languages, the
// chosen one first; the audit log speaks the chosen language.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../../../collector/auth/audit.js";
import { openDatabase } from "../../../../collector/db/database.js";
import { type TestCollector, testCollector } from "../../../helpers/collector.js";
import { addUsers, Browser, PASSWORD } from "../../../helpers/web.js";

let collector: TestCollector;
beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [{ name: "auditor", role: "admin" }]);
  const db = openDatabase(collector.config.database);
  recordAudit(db, { actor: "cli:root", action: "enroll", unit: "unit-a", target: "pc-1" }, 0);
  db.close();
});
afterAll(() => collector.stop());

describe("the login form", () => {
  it("is in the common frame, Vietnamese first, and English first with ?lang=en", async () => {
    const browser = new Browser(collector.url);
    const vi = (await browser.get("/login?next=%2F")).text;
    expect(vi).toContain('<header class="top">');
    expect(vi).toContain('hreflang="en">English</a>');
    expect(vi).toContain("<title>Đăng nhập / Log in · giamsat</title>");
    expect(vi).toContain("Tên đăng nhập / Name<br>");
    expect(vi).toContain("Mật khẩu / Password<br>");
    const en = await browser.get("/login?next=%2F&lang=en");
    expect(en.status).toBe(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('hreflang="vi">Tiếng Việt</a>');
    expect(en.text).toContain('<button type="submit">Log in / Đăng nhập</button>');
    expect(en.text).toContain('name="next" value="/"');
  });

  it("says a failed login in both languages", async () => {
    const answer = await new Browser(collector.url).login("auditor", "not the password");
    expect(answer.status).toBe(401);
    expect(answer.text).toContain(
      '<p role="alert"><strong>Sai tên hoặc mật khẩu. Wrong name or password.</strong></p>',
    );
  });
});

describe("the audit log", () => {
  it("is in the common frame and the reader's language", async () => {
    const browser = new Browser(collector.url);
    await browser.login("auditor", PASSWORD);
    const vi = (await browser.get("/audit")).text;
    expect(vi).toContain('<header class="top">');
    expect(vi).toContain("<h1>Nhật ký</h1>");
    expect(vi).toContain("<th>Người thực hiện</th>");
    expect(vi).toContain("<td>1970-01-01 00:00:00 UTC</td><td>cli:root</td><td>enroll</td>");
    const en = (await browser.get("/audit?lang=en")).text;
    expect(en).toContain("<h1>Audit log</h1>");
    expect(en).toContain(
      "<th>When</th><th>Who</th><th>What</th><th>Unit</th><th>Agent or user</th>",
    );
    expect(en).toContain('<a href="/audit" hreflang="vi">Tiếng Việt</a>');
  });
});
