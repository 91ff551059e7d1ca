// Inspection sign-offs: a leader's record is kept as written, a correction is a new record, a bad
// form is refused naming the field, and each record is in the audit log.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { listSignoffs } from "../../../collector/inspection/signoffs.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

let collector: TestCollector;
let leader: Browser;
let csrf: string;

const FORM = {
  period: "2026-11",
  inspector: "Lê Văn Á",
  date: "2026-11-20",
  findings: "Mạng LAN ổn định.",
  actions: "",
};

beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [{ name: "leader-a", role: "unit", unit: "unit-a" }]);
  leader = new Browser(collector.url);
  expect((await leader.login("leader-a", PASSWORD)).status).toBe(303);
  csrf = await leader.csrf("/units/unit-a");
});
afterAll(() => collector.stop());

describe("sign-off", () => {
  it("records what the leader wrote, and a correction as a second record", async () => {
    const first = await leader.post("/units/unit-a/signoff", { ...FORM, _csrf: csrf });
    expect([first.status, first.headers.get("location")]).toEqual([303, "/units/unit-a#signoffs"]);
    const second = await leader.post("/units/unit-a/signoff?lang=en", {
      ...FORM,
      findings: "Mạng LAN ổn định; máy in tầng 2 hỏng.",
      actions: "Thay máy in trước 30/11.",
      _csrf: csrf,
    });
    expect(second.headers.get("location")).toBe("/units/unit-a?lang=en#signoffs");

    const db = openDatabase(collector.config.database);
    try {
      const records = listSignoffs(db, "unit-a", "2026-11");
      expect(records.map((r) => [r.findings, r.actions, r.recordedBy])).toEqual([
        ["Mạng LAN ổn định; máy in tầng 2 hỏng.", "Thay máy in trước 30/11.", "leader-a"],
        ["Mạng LAN ổn định.", "", "leader-a"],
      ]);
      const audit = listAudit(db, {}).filter((a) => a.action === "signoff");
      expect(audit.map((a) => [a.actor, a.unit, a.target])).toEqual([
        ["leader-a", "unit-a", "2026-11"],
        ["leader-a", "unit-a", "2026-11"],
      ]);
    } finally {
      db.close();
    }
    const page = await leader.get("/units/unit-a");
    expect(page.text).toContain("máy in tầng 2 hỏng");
    expect(page.text).toContain("Mạng LAN ổn định.");
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
    [{ inspector: "  " }, "inspector: is required"],
    [
      { period: "2026-13" },
      "period: must be a month (2026-11), a quarter (2026-Q4) or a year (2026)",
    ],
    [{ date: "20/11/2026" }, "date: must be a date (YYYY-MM-DD)"],
    [{ date: "2026-02-30" }, "date: is not a real date"],
    [
      { findings: "x".repeat(4001) },
      "findings: Too big: expected string to have <=4000 characters",
    ],
    [{ signature: "x" }, 'form: unknown key "signature"'],
  ])("refuses a bad form with 400, naming the field: %#", async (change, message) => {
    const answer = await leader.post("/units/unit-a/signoff", { ...FORM, ...change, _csrf: csrf });
    expect([answer.status, answer.text]).toEqual([400, `${message}\n`]);
  });
});
