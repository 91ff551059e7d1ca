// The downtime a leader reads beside availability: the time something in a category (or in the
// unit) was down, as a union over its checks, never a sum of each check's down time.
import { afterAll, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import { inspectionReaders } from "../../../collector/inspection/readers.js";
import { inspectionSummary } from "../../../collector/inspection/summary.js";
import { parsePeriod } from "../../../shared/api-query.js";
import { element, pagesOf, visibleText } from "../../helpers/pages.js";
import { schedule, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
const NOW = vn("11:05:00");
const store = testStore();
afterAll(() => store.close());

// Two website checks down together 10:20–10:30, an online application down 10:40–10:50.
const pc = store.agent("so-tttt", "pc-01");
const together = (ts: number) => ts >= vn("10:20:00") && ts < vn("10:30:00");
const results = [
  ...schedule("portal", "website", vn("09:55:00"), NOW, 30_000, together),
  ...schedule("mirror", "website", vn("09:55:00"), NOW, 30_000, together),
  ...schedule(
    "dvc",
    "online_app",
    vn("09:55:00"),
    NOW,
    30_000,
    (ts) => ts >= vn("10:40:00") && ts < vn("10:50:00"),
  ),
].sort((a, b) => a.ts - b.ts);
for (let i = 0; i < results.length; i += 6) store.write(pc, results.slice(i, i + 6));
// In Hải Châu a website down 07:00–07:10 whose results then stop until 09:30, when it is up: the
// incident runs 07:00–09:30, but the check was seen down for ten minutes.
const hc = store.agent("quan-hai-chau", "pc-02");
store.write(hc, [
  ...schedule(
    "web",
    "website",
    vn("06:30:00"),
    vn("07:10:00"),
    30_000,
    (ts) => ts >= vn("07:00:00"),
  ),
  ...schedule("web", "website", vn("09:30:00"), NOW, 30_000),
]);
store.history.jobs.runUntilIdle(NOW);

describe("downtime in the inspection summary", () => {
  const ctx = inspectionReaders({
    history: store.history,
    agents: new AgentStore(store.db),
    clock: () => NOW,
  });
  const summary = inspectionSummary(ctx, "so-tttt", parsePeriod("2026-03") as never);
  const website = summary.categories.find((c) => c.category === "website");

  it("counts two checks down at once as ten minutes, not twenty", () => {
    expect(website?.disruptedMs).toBe(10 * MIN);
    expect(summary.disruptedMs).toBe(20 * MIN);
  });

  it("counts only the time an incident's check was seen, not weeks without a result", () => {
    const gap = inspectionSummary(ctx, "quan-hai-chau", parsePeriod("2026-03") as never);
    expect(gap.incidents.map((i) => [i.start, i.end])).toEqual([[vn("07:00:00"), vn("09:30:00")]]);
    // Held to the 5-minute buckets with results, each held for as long as a result counts (twice
    // the 30 s interval), as availability holds the last failed result of 07:09:30.
    expect(gap.disruptedMs).toBe(11 * MIN);
    expect(gap.overall.downMs).toBe(10.5 * MIN);
  });

  it("shows those figures on the report, named for what they are", () => {
    const page = pagesOf(store, NOW).render("report", "/reports/so-tttt?period=2026-03", {
      unit: "so-tttt",
    }).body;
    const row = visibleText(element(page, "tr", 'data-category="website"'));
    expect(row).toContain("10 phút");
    expect(row).not.toContain("20 phút");
    const text = visibleText(page);
    expect(text).toMatch(/Thời gian có hạng mục gián đoạn:? 20 phút/);
    expect(text).not.toContain("30 phút");
  });
});
