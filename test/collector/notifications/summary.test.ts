// The monthly summary, with the schedule's clock set by the documented test hook
// (GIAMSAT_TEST_SCHEDULE_AT): a collector down at 08:00 on the 1st sends last month's summaries
// once it is back, and once only; each unit's leader and IT contact receive the unit's summary
// with the CSV attached, whose figures equal the JSON API's; the Steering Board the city's.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vi } from "../../../collector/http/pages/i18n/vi.js";
import { dueMonth } from "../../../collector/notifications/summaries.js";
import { parsePeriod, VIETNAM_OFFSET_MS } from "../../../shared/api-query.js";
import type { Category } from "../../../shared/categories.js";
import { batch, RawAgent } from "../../helpers/collector.js";
import { parseCsv } from "../../helpers/csv.js";
import { freePort } from "../../helpers/delivery.js";
import { type Mail, SmtpServer, smtpPeer } from "../../helpers/mailbox.js";
import {
  attachCollector,
  type CollectorProcess,
  startCollectorProcess,
  tempDir,
} from "../../helpers/processes.js";

const python = smtpPeer();
const MIN = 60_000;

describe("the summaries' schedule", () => {
  it("is due from 08:00 Vietnam time on the 1st, for the month before", () => {
    expect(dueMonth(Date.parse("2026-12-01T07:59:59+07:00")).period).toBe("2026-10");
    expect(dueMonth(Date.parse("2026-12-01T08:00:00+07:00"))).toEqual({
      period: "2026-11",
      dueAt: Date.parse("2026-12-01T08:00:00+07:00"),
    });
    expect(dueMonth(Date.parse("2027-01-15T12:00:00+07:00")).period).toBe("2026-12");
    // Before 08:00 on 1 January the last summary due is the one for November.
    expect(dueMonth(Date.parse("2027-01-01T07:00:00+07:00")).period).toBe("2026-11");
  });
});

/** "YYYY-MM-DDTHH:MM:SS+07:00" on day `day` of the month `monthStart` (ms) begins. */
function vnTime(monthStart: number, day: number, time: string): string {
  const date = new Date(monthStart + VIETNAM_OFFSET_MS).toISOString().slice(0, 8);
  return `${date}${String(day).padStart(2, "0")}T${time}+07:00`;
}

describe.skipIf(!python)("monthly summaries by e-mail", () => {
  const dir = tempDir();
  let smtp: SmtpServer;
  let collector: CollectorProcess | undefined;
  // Last month (in Vietnam time): complete, so its figures no longer move.
  const now = Date.now();
  const thisMonth = Date.parse(vnTime(now, 1, "00:00:00"));
  const period = dueMonth(Date.parse(vnTime(now, 1, "09:00:00"))).period;
  const month = parsePeriod(period);
  const at = (env: string) => ({ GIAMSAT_TEST_SCHEDULE_AT: env });
  let configFile = "";

  beforeAll(async () => {
    smtp = new SmtpServer(python as string, await freePort(), join(dir.path, "Maildir"));
    await smtp.start();
  });
  afterAll(async () => {
    await collector?.program.stop();
    await smtp?.stop();
    dir.remove();
  });

  const restart = async (clock: string) => {
    await collector?.program.stop();
    collector = await attachCollector(dir.path, configFile, at(clock));
  };

  it("are not sent before 08:00 on the 1st", async () => {
    if (!month) throw new Error(`no period ${period}`);
    collector = await startCollectorProcess(
      dir.path,
      `web: { auth: false, publicUrl: "https://giamsat.danang.gov.vn" }
retention: { raw: "90d" }
notifications:
  channels:
    - { name: mail, type: email, smtp: { host: "127.0.0.1", port: ${smtp.port} }, from: "giamsat <giamsat@example.gov.vn>" }
  routes:
    - { channels: [mail] }
  steeringBoard: [{ name: "Ban Chỉ đạo", email: "bcd@danang.gov.vn" }]
units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    leader: { name: "Nguyễn Văn A", email: "lanhdao@stttt.danang.gov.vn" }
    contact: { name: "Trần Văn Bình", email: "binh@stttt.danang.gov.vn" }
  - id: quan-hai-chau
    name: "UBND quận Hải Châu"
    leader: { name: "Lê Thị C", email: "lanhdao@haichau.danang.gov.vn" }
`,
      at(vnTime(thisMonth, 1, "07:59:00")),
    );
    configFile = collector.configFile;
    // Two days of last month: so-tttt's website and e-government service down in the same hour
    // (one hour with something down, not two), the rest up.
    const from = month.from + 9 * 86_400_000;
    for (const [unit, checks] of [
      [
        "so-tttt",
        [
          ["portal", "website"],
          ["egov", "online_app"],
        ],
      ],
      ["quan-hai-chau", [["switch", "lan"]]],
    ] as const) {
      const agent = new RawAgent(collector.url, await collector.enroll(unit, "pc-01"));
      await agent.hello();
      const results = [];
      for (let ts = from; ts < from + 2 * 86_400_000; ts += 10 * MIN) {
        for (const [check, category] of checks) {
          const down =
            check !== "switch" && ts >= from + 26 * 60 * MIN && ts < from + 27 * 60 * MIN;
          results.push({
            check,
            category,
            kind: "http",
            ts,
            up: !down,
            duration: 0.1,
            ...(down ? { reason: "timeout" } : {}),
          });
        }
      }
      for (let i = 0, seq = 1; i < results.length; i += 100, seq++) {
        agent.send(batch(seq, now, { results: results.slice(i, i + 100), samples: [] }));
        await agent.next((m) => m.type === "ack" && m.seq === seq);
      }
      agent.close();
    }
    await new Promise((r) => setTimeout(r, 3000));
    expect(smtp.messages()).toEqual([]);
  });

  it("are sent once the collector is back after 08:00, to each leader and contact", async () => {
    await restart(vnTime(thisMonth, 1, "09:30:00"));
    const expected = 4; // two leaders, one contact, the Steering Board
    const mails = await eventuallyMails(expected);
    const to = (address: string) => mails.filter((m) => m.rcptTo === address);
    for (const address of [
      "lanhdao@stttt.danang.gov.vn",
      "binh@stttt.danang.gov.vn",
      "lanhdao@haichau.danang.gov.vn",
      "bcd@danang.gov.vn",
    ]) {
      expect(to(address), address).toHaveLength(1);
    }
    const leader = to("lanhdao@stttt.danang.gov.vn")[0] as Mail;
    // The month as people write it, not the API's period id.
    const [year, monthNumber] = period.split("-").map(Number);
    expect(leader.subject).toBe(
      `[giamsat] Sở Thông tin và Truyền thông: báo cáo kiểm tra định kỳ tháng ${monthNumber}/${year}`,
    );
    // The unit's time with something down is the hour both checks were down, never their sum.
    expect(leader.text).toMatch(/^- Toàn đơn vị: .*, Thời gian gián đoạn 1 giờ$/m);
    expect(leader.text).toContain("Chưa có xác nhận kiểm tra cho kỳ này.");
    expect(leader.text).toContain(
      `Báo cáo để in: https://giamsat.danang.gov.vn/reports/so-tttt?period=${period}`,
    );
    expect(leader.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`giamsat-so-tttt-${period}.csv`, "text/csv"],
    ]);
    const city = to("bcd@danang.gov.vn")[0] as Mail;
    expect(city.subject).toBe(
      `[giamsat] Báo cáo tổng hợp toàn thành phố tháng ${monthNumber}/${year}`,
    );
    expect(city.attachments[0]?.filename).toBe(`giamsat-city-${period}.csv`);
  });

  it("carry the figures of the JSON API's summary in their CSV", async () => {
    for (const [unit, address] of [
      ["so-tttt", "binh@stttt.danang.gov.vn"],
      ["quan-hai-chau", "lanhdao@haichau.danang.gov.vn"],
    ]) {
      const mail = smtp.messages().find((m) => m.rcptTo === address) as Mail;
      // The CSV the report page offers: names, percentages and minutes, for a spreadsheet.
      const rows = parseCsv((mail.attachments[0]?.content ?? "").replace(/^\uFEFF/, ""));
      const header = rows[0] as string[];
      const byCategory = new Map(rows.slice(1).map((r) => [r[header.indexOf(vi.csv.category)], r]));
      const api = (await (
        await fetch(`${collector?.url}/api/v1/units/${unit}/summary?period=${period}`)
      ).json()) as {
        overall: { availability: number | null; coverage: number | null; downMs: number };
        disruptedMs: number;
        categories: {
          category: Category;
          availability: number | null;
          coverage: number | null;
          disruptedMs: number;
          incidents: { count: number };
        }[];
      };
      const cell = (row: string[] | undefined, name: string) => row?.[header.indexOf(name)] ?? "";
      const percent = (value: number | null) =>
        value === null ? "" : (Math.round(value * 10_000) / 100).toFixed(2).replace(".", ",");
      const minutes = (ms: number) => String(Math.round(ms / MIN));
      for (const c of api.categories) {
        const row = byCategory.get(vi.categoryLong[c.category]);
        expect(
          [
            cell(row, vi.csv.availability),
            cell(row, vi.csv.coverage),
            cell(row, vi.csv.disrupted),
            cell(row, vi.csv.incidents),
          ],
          c.category,
        ).toEqual([
          percent(c.availability),
          percent(c.coverage),
          minutes(c.disruptedMs),
          String(c.incidents.count),
        ]);
      }
      const all = byCategory.get(vi.csv.all);
      expect([cell(all, vi.csv.availability), cell(all, vi.csv.disrupted)]).toEqual([
        percent(api.overall.availability),
        minutes(api.disruptedMs),
      ]);
      if (unit === "so-tttt") {
        // Not trivial: the hour the website was down is in both.
        expect(api.categories.find((c) => c.category === "website")?.incidents.count).toBe(1);
        expect(api.disruptedMs).toBe(60 * MIN);
        expect(api.overall.downMs).toBeGreaterThan(50 * MIN);
      }
    }
  });

  it("are not sent again after a restart", async () => {
    const before = smtp.messages().length;
    await restart(vnTime(thisMonth, 1, "10:00:00"));
    await new Promise((r) => setTimeout(r, 5000));
    expect(smtp.messages()).toHaveLength(before);
  });

  async function eventuallyMails(count: number): Promise<Mail[]> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const mails = smtp.messages();
      if (mails.length >= count) return mails;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${count} e-mails not received; got ${smtp.messages().length}`);
  }
});
