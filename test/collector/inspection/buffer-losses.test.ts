// What an agent's buffer lost before it reached the collector is a finding of the unit's summary
// (the period's own losses: a buffer found corrupt, samples dropped; not those from before it),
// said in the leaders' words, and shown beside the agent on the unit's page.
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
const FULL_AT = vn("12:00:00", "2026-02-28");
const CORRUPT_AT = vn("08:00:00", "2026-03-10");

const store = testStore();
afterAll(() => store.close());

// pc-01 reports its counters every 10 minutes from 27 February. On 28 February it dropped 50
// samples (a full buffer); on 10 March its buffer was found corrupt at start and 120 samples lost.
// The agent keeps its counts in the buffer file, so they never fall. pc-02 never lost anything.
// Written a day at a time with the store's jobs run after each, as a collector receives them.
for (let day = vn("00:00:00", "2026-02-27"); day < NOW; day += DAY) {
  for (const [name, lossAt] of [
    ["pc-01", true],
    ["pc-02", false],
  ] as const) {
    const agent = store.agent("so-tttt", name);
    const samples = [];
    for (let ts = day; ts < Math.min(day + DAY, NOW); ts += 10 * MIN) {
      const corrupt = lossAt && ts >= CORRUPT_AT;
      const full = lossAt && ts >= FULL_AT;
      const at = (reason: string, value: number) => ({
        metric: METRICS.agentBufferDropped.name,
        labels: { reason },
        ts,
        value,
      });
      samples.push(at("full", full ? 50 : 0), at("corrupt", corrupt ? 120 : 0), {
        metric: METRICS.agentBufferCorruptFiles.name,
        labels: {},
        ts,
        value: corrupt ? 1 : 0,
      });
    }
    store.write(agent, [], samples);
  }
  store.history.jobs.runUntilIdle(Math.min(day + DAY, NOW));
}
const unitFindings = summaryFindings(store, NOW);
const findings = (period: string) => unitFindings("so-tttt", period);

describe("data an agent's buffer lost", () => {
  it("is a finding of the period it was lost in, naming the agent and how much", () => {
    const lost = findings("2026-03").find((f) => f.code === "agent_data_lost");
    expect(lost).toEqual({
      code: "agent_data_lost",
      severity: "warning",
      params: { agents: "pc-01", samples: 120, corruptFiles: 1 },
    });
    expect(sayFinding(Formatter.of("vi"), lost as Finding)).toBe(
      "Bộ đệm của máy giám sát pc-01 bị hỏng 1 lần; khoảng 120 số liệu chưa gửi đã bị mất, " +
        "nên số liệu trong kỳ thiếu một phần.",
    );
    expect(sayFinding(Formatter.of("en"), lost as Finding)).toBe(
      "The buffer of monitoring agent pc-01 was found corrupt 1 time(s); about 120 figures not " +
        "yet sent were lost, so the period's figures are incomplete.",
    );
  });

  it("is not counted again in a later period, although the counters still hold it", () => {
    const february = findings("2026-02").filter((f) => f.code === "agent_data_lost");
    expect(february.map((f) => f.params)).toEqual([
      { agents: "pc-01", samples: 50, corruptFiles: 0 },
    ]);
    expect(sayFinding(Formatter.of("vi"), february[0] as Finding)).toBe(
      "Bộ đệm của máy giám sát pc-01 bị đầy hoặc không ghi được; khoảng 50 số liệu chưa gửi đã " +
        "bị mất, nên số liệu trong kỳ thiếu một phần.",
    );
    // March's finding counts March's loss alone (above), and a unit that lost nothing has none.
    const other = unitFindings("quan-hai-chau", "2026-03");
    expect(other.map((f) => f.code)).not.toContain("agent_data_lost");
  });

  it("is shown beside the agent on the unit's page when it falls in the window", () => {
    const pages = pagesOf(store, NOW);
    const page = (window: string) =>
      visibleText(
        pages.render("unitPage", `/units/so-tttt?window=${window}`, { id: "so-tttt" }).body,
      );
    // The last 30 days hold both losses: the 50 of 28 February and the 120 of 10 March.
    expect(page("30d")).toContain(
      "pc-01 — Lần gửi dữ liệu gần nhất: 11:00 20/03/2026 · bộ đệm bị hỏng 1 lần, mất khoảng 170 số liệu chưa gửi",
    );
    expect(page("30d")).not.toMatch(/pc-02 — [^·]*·/);
    // Ten days after the loss, the last 7 days hold none.
    expect(page("7d")).not.toContain("bộ đệm bị hỏng");
  });
});
