// The leaders' pages of a sixteen-unit city at 10:00 on 5 December 2026, read as a leader reads
// them: which units fail and why, in plain Vietnamese; the period just ended; the printed report
// in the administrative format; complete lists; exports a spreadsheet opens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type City, city, LEADER, NOW } from "../../../helpers/city.js";
import { element, type PagesOf, pagesOf, visibleText } from "../../../helpers/pages.js";

let town: City;
let pages: PagesOf;

beforeAll(async () => {
  town = await city();
  pages = pagesOf(town.store, NOW);
}, 120_000);
afterAll(() => town?.store.close());

/** The page's text without what is kept for IT staff behind "technical details". */
function forLeaders(markup: string): string {
  return visibleText(markup.replace(/<details[\s\S]*?<\/details>/g, " "));
}

function rowsOf(markup: string): string[] {
  return [...markup.matchAll(/<tr[^>]*data-unit="([^"]+)"/g)].map((m) => m[1] as string);
}

describe("the overview", () => {
  const overview = () => pages.render("overview", "/").body;

  it("starts with the totals a leader asks about", () => {
    const totals = visibleText(element(overview(), "section", 'class="totals"'));
    expect(totals).toContain("16 đơn vị");
    expect(totals).toContain("2 đơn vị có gián đoạn");
    expect(totals).toContain("1 đơn vị mất liên lạc");
    expect(totals).toContain("2 đơn vị chưa cài đặt giám sát");
    expect(totals).toContain("1/16 đơn vị đã ký xác nhận Tháng 11/2026");
  });

  it("lists the units that fail first, silent ones above merely degraded ones, each with why", () => {
    const page = overview();
    expect(rowsOf(page).slice(0, 5)).toEqual([
      "bql-khu-cn",
      "ubnd-son-tra",
      "so-gtvt",
      "so-tttt",
      "so-yte",
    ]);
    const why = (unit: string) => forLeaders(element(page, "td", `data-reason="${unit}"`));
    expect(why("ubnd-son-tra")).toBe("Chưa cài đặt máy giám sát");
    expect(why("bql-khu-cn")).toContain("chưa kết nối lần nào");
    expect(why("so-gtvt")).toContain("Mất liên lạc với máy giám sát từ 07:00 05/12/2026");
    expect(why("so-tttt")).toContain("Ứng dụng gián đoạn: Cổng dịch vụ công — từ chối kết nối");
    expect(why("so-yte")).toContain("1/2 hạng mục gián đoạn");
    expect(why("so-yte")).toContain("Hệ thống thông tin bệnh viện");
  });

  it("says the period to sign is the one just ended, not the month that began", () => {
    const page = overview();
    expect(forLeaders(element(page, "th", "data-period"))).toContain("Tháng 11/2026");
    expect(page).toContain('data-signed="ubnd-hai-chau"');
    expect(page).toMatch(/href="\/\?[^"]*period=2026-10"/);
  });

  it("speaks plainly: no abbreviations, no unexplained symbols, no technical words", () => {
    const text = forLeaders(overview());
    for (const word of ["TTTHDL", "⛓", "tác tử", "2026-11", "no_data"]) {
      expect(text).not.toContain(word);
    }
  });
});

describe("the unit page", () => {
  const unit = (id: string, query = "") =>
    pages.render("unitPage", `/units/${id}${query}`, { id }).body;

  it("names checks by their titles and kinds in words, the raw error only for IT staff", () => {
    const page = unit("so-tttt");
    const dvc = element(page, "tr", 'data-check="dvc"');
    expect(forLeaders(dvc)).toContain("Cổng dịch vụ công");
    expect(forLeaders(dvc)).toContain("Trang web, dịch vụ web (HTTP)");
    expect(forLeaders(dvc)).toContain("từ chối kết nối");
    expect(forLeaders(dvc)).not.toContain("ECONNREFUSED");
    expect(visibleText(dvc)).toContain("connect ECONNREFUSED 10.0.0.5:443");
    expect(forLeaders(element(page, "tr", 'data-check="core-switch"'))).toContain(
      "Thiết bị mạng (SNMP)",
    );
  });

  it("draws a status timeline per category, with the outage where it happened", () => {
    const page = unit("so-tttt");
    expect(page).not.toContain('class="spark"');
    const timeline = element(page, "svg", 'data-timeline="online_app"');
    const segments = [...timeline.matchAll(/<rect[^>]*class="t-(\w+)"/g)].map((m) => m[1]);
    expect(segments.at(-1)).toBe("down");
    expect(segments.filter((s) => s === "down").length).toBeLessThanOrEqual(2);
    expect(segments[0]).toBe("up");
    const legend = forLeaders(element(page, "ul", 'class="legend"'));
    expect(legend).toContain("Hoạt động");
    expect(legend).toContain("Gián đoạn");
    expect(legend).toContain("Không có dữ liệu");
    expect(legend).toContain("Bảo trì theo kế hoạch");
  });

  it("shows availability month by month against the target", () => {
    const chart = element(unit("so-tttt"), "svg", 'data-chart="months"');
    expect(visibleText(chart.replace(/<\/?(svg|text|title)[^>]*>/g, " "))).toContain(
      "Tháng 11/2026",
    );
    expect(chart).toContain('class="target"');
  });

  it("lists every incident, page by page, and says how many there are", () => {
    const first = unit("so-xd", "?window=30d");
    const total = Number(/(\d+) sự cố trong 30 ngày qua/.exec(forLeaders(first))?.[1]);
    // Twenty checks down ten times each in November, the first days before the window.
    expect(total).toBeGreaterThan(150);
    expect(total).toBeLessThan(200);
    expect(forLeaders(first)).toContain(`Trang 1/4 (hiển thị 1–50 trong ${total})`);
    expect(first).toContain('href="/units/so-xd?window=30d&amp;page=2#incidents"');
    const rows = (page: number) =>
      unit("so-xd", `?window=30d&page=${page}`).match(/<tr[^>]*data-incident=/g)?.length;
    expect([1, 2, 3, 4].map(rows)).toEqual([50, 50, 50, total - 150]);
  });

  it("says what changed in the equipment", () => {
    const text = forLeaders(unit("so-tttt", "?window=30d"));
    expect(text).toContain("Bộ nhớ: 8 GiB → 16 GiB");
    expect(text).toContain("openssl: 3.0.11 → 3.0.13");
    expect(text).toContain("curl 7.88.1");
  });

  it("makes a unit with no agent a finding, with what to do", () => {
    const text = forLeaders(unit("ubnd-son-tra"));
    expect(text).toContain("Chưa cài đặt máy giám sát");
    expect(text).toContain("Trung tâm");
  });
});

describe("the printed report", () => {
  const report = (id: string, lang = "") =>
    pages.render("report", `/reports/${id}?period=2026-11${lang}`, { unit: id }).body;

  it("has the heading, title, signature block and recipients of an administrative document", () => {
    const text = forLeaders(report("so-tttt"));
    expect(text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(text).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(text).toContain("SỞ THÔNG TIN VÀ TRUYỀN THÔNG");
    expect(text).toContain("ngày 05 tháng 12 năm 2026");
    expect(text).toContain("BÁO CÁO");
    expect(text).toContain("Tháng 11/2026");
    expect(text).toContain("Nơi nhận:");
    expect(text).toContain(LEADER.title.toUpperCase());
    expect(text).toContain(LEADER.name);
    expect(text).not.toContain("2026-11");
  });

  it("summarises two hundred incidents instead of cutting the list silently", () => {
    const text = forLeaders(report("so-xd"));
    expect(text).toContain("200 sự cố");
    expect(text).toMatch(/và 19\d sự cố khác/);
  });

  it("offers CSV and a print view, and no JSON", () => {
    const page = report("so-tttt");
    expect(page).toContain("format=csv");
    expect(page).toContain("view=print");
    expect(page).not.toContain("format=json");
  });

  it("shows every sign-off with who recorded it and when", () => {
    const page = pages.render("report", "/reports/ubnd-hai-chau?period=2026-11", {
      unit: "ubnd-hai-chau",
    }).body;
    const signed = forLeaders(element(page, "section", 'class="signoffs"'));
    expect(signed).toContain("Phạm Quốc Hưng");
    expect(signed).toContain("hung.pq");
    expect(signed).toContain("15:30 02/12/2026");
  });
});

describe("the city summary", () => {
  it("ranks the units and names the one without an agent as a finding", () => {
    const page = pages.render("cityReport", "/reports?period=2026-11").body;
    const ranking = element(page, "table", 'id="ranking"');
    expect(rowsOf(ranking)).toHaveLength(16);
    expect(forLeaders(element(ranking, "tr", 'data-unit="ubnd-son-tra"'))).toContain(
      "Chưa cài đặt máy giám sát",
    );
    expect(page).toContain("format=csv");
    expect(page).not.toContain("format=json");
  });

  it("exports CSV with names, percentages and minutes, and a BOM for Excel", () => {
    const csv = pages.render("cityReport", "/reports?period=2026-11&format=csv");
    expect(csv.body.startsWith("\uFEFF")).toBe(true);
    const [header, ...rows] = csv.body.slice(1).trimEnd().split("\r\n");
    expect(header).toContain("Đơn vị");
    expect(header).toContain("Tỷ lệ sẵn sàng (%)");
    expect(header).toContain("(phút)");
    const tttt = rows.filter((row) => row.startsWith("Sở Thông tin và Truyền thông,"));
    expect(tttt.length).toBeGreaterThan(0);
    expect(csv.body).not.toMatch(/0\.\d{6,}/);
  });
});
