// Inspection sign-offs: the leader's record is kept as signed, with the account and the leader's
// name and title; a correction is a new record; a bad form comes back saying what is wrong, in the
// reader's language; each record is in the audit log.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { listSignoffs } from "../../../collector/inspection/signoffs.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { element, visibleText } from "../../helpers/pages.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

let collector: TestCollector;
let leader: Browser;
let csrf: string;

/** A period long over, inspected after it ended. */
const FORM = {
  period: "2025-11",
  date: "2025-12-03",
  findings: "Mạng LAN ổn định.",
  actions: "",
  confirm: "yes",
};

beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [
    { name: "leader-a", role: "unit", unit: "unit-a", leader: true },
  ]);
  leader = new Browser(collector.url);
  expect((await leader.login("leader-a", PASSWORD)).status).toBe(303);
  csrf = await leader.csrf("/units/unit-a");
});
afterAll(() => collector.stop());

describe("sign-off", () => {
  it("records what the leader signed, as the unit's leader, and a correction as a second record", async () => {
    const first = await leader.post("/units/unit-a/signoff", { ...FORM, _csrf: csrf });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toMatch(/^\/units\/unit-a\?saved=\d+#signoffs$/);
    const second = await leader.post("/units/unit-a/signoff?lang=en", {
      ...FORM,
      findings: "Mạng LAN ổn định; máy in tầng 2 hỏng.",
      actions: "Thay máy in trước 30/12.",
      _csrf: csrf,
    });
    expect(second.headers.get("location")).toMatch(/^\/units\/unit-a\?saved=\d+&lang=en#signoffs$/);

    const db = openDatabase(collector.config.database);
    try {
      const records = listSignoffs(db, "unit-a", "2025-11");
      expect(records.map((r) => [r.findings, r.actions, r.recordedBy, r.inspector])).toEqual([
        [
          "Mạng LAN ổn định; máy in tầng 2 hỏng.",
          "Thay máy in trước 30/12.",
          "leader-a",
          "Lê Văn Á",
        ],
        ["Mạng LAN ổn định.", "", "leader-a", "Lê Văn Á"],
      ]);
      const audit = listAudit(db, {}).filter((a) => a.action === "signoff");
      expect(audit.map((a) => [a.actor, a.unit, a.target])).toEqual([
        ["leader-a", "unit-a", "2025-11"],
        ["leader-a", "unit-a", "2025-11"],
      ]);
    } finally {
      db.close();
    }
    const page = await leader.get(second.headers.get("location") ?? "");
    expect(visibleText(page.text)).toContain("The sign-off of November 2025 was saved at");
    const history = visibleText(element(page.text, "table", 'id="signoffs"'));
    expect(history).toContain("máy in tầng 2 hỏng");
    expect(history).toContain("Lê Văn Á (leader-a)");
  });

  it("cannot be changed or deleted, even in the database", () => {
    const db = new Database(collector.config.database);
    try {
      expect(() => db.prepare("UPDATE signoffs SET findings = 'nothing wrong'").run()).toThrow(
        "sign-offs cannot be changed; record a new one",
      );
      expect(() => db.prepare("DELETE FROM signoffs").run()).toThrow("sign-offs cannot be deleted");
    } finally {
      db.close();
    }
  });

  it.each([
    [{ findings: "  " }, "Cần ghi nhận xét."],
    [{ period: "2025-13" }, "Kỳ kiểm tra không hợp lệ."],
    [{ date: "20/11/2025" }, "Ngày kiểm tra không hợp lệ."],
    [{ date: "2025-02-30" }, "Ngày kiểm tra không hợp lệ."],
    [{ date: "2025-10-31" }, "Ngày kiểm tra phải từ ngày đầu của kỳ trở đi."],
    [{ date: "2999-01-01" }, "Ngày kiểm tra không được ở tương lai."],
    [
      { findings: "x".repeat(4001) },
      "Nhận xét và biện pháp khắc phục mỗi phần tối đa 4.000 ký tự.",
    ],
    [{ confirm: "" }, "Cần đánh dấu ô xác nhận trước khi ký."],
    [{ signature: "x" }, "Biểu mẫu không đúng; xin tải lại trang và nhập lại."],
  ])("sends a bad form back with 400, saying what is wrong: %#", async (change, message) => {
    const answer = await leader.post("/units/unit-a/signoff", { ...FORM, ...change, _csrf: csrf });
    expect(answer.status).toBe(400);
    const form = element(answer.text, "form", 'id="signoff-form"');
    expect(visibleText(element(form, "div", 'role="alert"'))).toContain(message);
    // What was written is kept, so nothing has to be typed again.
    expect(form).toContain("findings" in change ? change.findings.slice(0, 20) : FORM.findings);
  });
});
