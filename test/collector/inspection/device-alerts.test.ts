// A UPS that ran on battery and a printer whose toner is low are findings of the unit's summary, in
// the leaders' words on the printed report: the UPS's time on battery in the period, and the
// supplies below 10% at the period's end. A full drum and a UPS on mains say nothing.
import { afterAll, describe, expect, it } from "vitest";
import { sayFinding } from "../../../collector/http/pages/findings.js";
import { Formatter } from "../../../collector/http/pages/i18n/index.js";
import type { Finding } from "../../../collector/inspection/findings.js";
import { METRICS } from "../../../shared/metrics.js";
import { pagesOf, visibleText } from "../../helpers/pages.js";
import { testStore, vn } from "../../helpers/store.js";
import { summaryFindings } from "../../helpers/summary.js";

const MIN = 60_000;
const DAY = 86_400_000;
const NOW = vn("11:05:00", "2026-03-20");
/** The mains went out from 14:00 to 15:30 on 12 March. */
const OUTAGE = { from: vn("14:00:00", "2026-03-12"), to: vn("15:30:00", "2026-03-12") };
/** The toner ran low (8%) from 15 March; the drum stays at 64%. */
const TONER_LOW_AT = vn("09:00:00", "2026-03-15");

const store = testStore();
afterAll(() => store.close());

const ups = (check: string) => ({ check, category: "equipment", kind: "ups" });
const printer = { check: "office-printer", category: "equipment", kind: "printer" };
for (let day = vn("00:00:00", "2026-02-25"); day < NOW; day += DAY) {
  const agent = store.agent("so-tttt", "pc-01");
  const samples = [];
  for (let ts = day; ts < Math.min(day + DAY, NOW); ts += MIN) {
    const out = ts >= OUTAGE.from && ts < OUTAGE.to;
    samples.push(
      { metric: METRICS.upsOnBattery.name, labels: ups("server-room-ups"), ts, value: out ? 1 : 0 },
      { metric: METRICS.upsOnBattery.name, labels: ups("office-ups"), ts, value: 0 },
      {
        metric: METRICS.printerSupplyLevel.name,
        labels: { ...printer, supply: "Black Toner Cartridge", index: "1.1" },
        ts,
        value: ts >= TONER_LOW_AT ? 0.08 : 0.4,
      },
      {
        metric: METRICS.printerSupplyLevel.name,
        labels: { ...printer, supply: "Imaging Drum", index: "1.2" },
        ts,
        value: 0.64,
      },
    );
  }
  store.write(agent, [], samples);
  store.history.jobs.runUntilIdle(Math.min(day + DAY, NOW));
}
const unitFindings = summaryFindings(store, NOW);
const findings = (period: string) =>
  unitFindings("so-tttt", period).filter(
    (f) => f.code === "ups_on_battery" || f.code === "supply_low",
  );

describe("printers' and UPSes' findings", () => {
  it("says which UPS ran on battery and for how long, and which supply is low", () => {
    const march = findings("2026-03");
    expect(march).toEqual([
      {
        code: "ups_on_battery",
        severity: "warning",
        params: { checks: "server-room-ups", onBatteryMs: 90 * MIN },
      },
      {
        code: "supply_low",
        severity: "warning",
        params: { supplies: "office-printer: Black Toner Cartridge 8%", count: 1, below: 0.1 },
      },
    ]);
    const [battery, supply] = march as [Finding, Finding];
    expect(sayFinding(Formatter.of("vi"), battery)).toBe(
      "Bộ lưu điện server-room-ups phải chạy bằng pin khoảng 1 giờ 30 phút trong kỳ: điện lưới bị mất hoặc chập chờn.",
    );
    expect(sayFinding(Formatter.of("en"), battery)).toBe(
      "UPS server-room-ups ran on battery for about 1 h 30 min in the period: the mains power was out or unstable.",
    );
    expect(sayFinding(Formatter.of("en"), supply)).toBe(
      "Printer supplies below 10%, to replace soon: office-printer: Black Toner Cartridge 8%.",
    );
  });

  it("are on the printed report", () => {
    const pages = pagesOf(store, NOW);
    const text = visibleText(
      pages.render("report", "/reports/so-tttt?period=2026-03", { unit: "so-tttt" }).body,
    );
    expect(text).toContain("Bộ lưu điện server-room-ups phải chạy bằng pin khoảng");
    expect(text).toContain(
      "Vật tư máy in còn dưới 10%, cần thay sớm: office-printer: Black Toner Cartridge 8%.",
    );
  });

  it("say nothing of a period before the outage and the low toner", () => {
    // February's last days were watched: UPSes on mains, the toner at 40%.
    expect(findings("2026-02")).toEqual([]);
  });
});
