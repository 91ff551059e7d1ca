// Into a real VictoriaMetrics (/api/v1/write): every stored sample can be exported back; a
// receiver outage loses nothing and doubles nothing; a collector killed with samples still queued
// sends them after its restart.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent, testCollector } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import {
  attachCollector,
  type CollectorProcess,
  eventually,
  startCollectorProcess,
  TWO_UNITS,
  tempDir,
} from "../../helpers/processes.js";
import { normalized, readDatabase, seriesKey, storedSeries } from "../../helpers/remote-write.js";
import { syntheticBatch } from "../../helpers/synthetic.js";
import { startVictoriaMetrics, type VictoriaMetrics } from "../../helpers/victoria-metrics.js";

const binary = peer("victoria-metrics");
let vm: VictoriaMetrics | undefined;
beforeAll(async () => {
  if (binary) vm = await startVictoriaMetrics(binary);
});
afterAll(() => vm?.stop());

/** Short waits, so retries and flushes happen within a test's time. */
const QUEUE = "{ flushInterval: 100ms, minBackoff: 50ms, maxBackoff: 500ms }";
const QUEUE_OPTIONS = { flushInterval: "100ms", minBackoff: "50ms", maxBackoff: "500ms" };

/** Sends synthetic batches from..to, one second apart and an hour ago, waiting for each ack. */
async function report(agent: RawAgent, from: number, to: number): Promise<void> {
  const t0 = Date.now() - 3_600_000;
  for (let seq = from; seq <= to; seq++) {
    agent.send({ ...syntheticBatch(seq, t0 + seq * 1000), sentAt: Date.now() });
    await agent.next((m) => m.type === "ack" && m.seq === seq, 10_000);
  }
}

/** What VictoriaMetrics holds for the agent, as series key → "ts value" (duplicates kept). */
async function exported(agent: string): Promise<Record<string, string[]>> {
  const series = await (vm as VictoriaMetrics).exportSeries(`{agent="${agent}"}`);
  return normalized(
    new Map(
      series.map((s) => [seriesKey(s.metric), s.timestamps.map((t, i) => `${t} ${s.values[i]}`)]),
    ),
  );
}

function count(map: Record<string, string[]>): number {
  return Object.values(map).flat().length;
}

/**
 * The same series with the same timestamps, each once, and the same values to VictoriaMetrics'
 * precision: it keeps about 12 significant decimal digits of a float64
 * (https://docs.victoriametrics.com/#limitations), so 0.009215250337086714 comes back as
 * 0.00921525033708.
 */
function expectSame(got: Record<string, string[]>, expected: Record<string, string[]>): void {
  expect(Object.keys(got)).toEqual(Object.keys(expected));
  for (const [key, samples] of Object.entries(expected)) {
    const back = got[key] ?? [];
    expect(
      back.map((x) => x.split(" ")[0]),
      key,
    ).toEqual(samples.map((x) => x.split(" ")[0]));
    for (const [i, sample] of samples.entries()) {
      const want = Number(sample.split(" ")[1]);
      const have = Number(back[i]?.split(" ")[1]);
      expect(Math.abs(have - want), `${key} ${sample}`).toBeLessThanOrEqual(Math.abs(want) * 1e-11);
    }
  }
}

async function metric(url: string, name: string, endpoint: string): Promise<number> {
  return find(await scrape(url), name, { endpoint })[0]?.value ?? Number.NaN;
}

describe("remote write into VictoriaMetrics", () => {
  it("holds every sample the collector stored, with the same labels, timestamps and values", async (ctx) => {
    if (!vm) return ctx.skip();
    const collector = await testCollector({
      remoteWrite: [
        { name: "vm", url: vm.writeUrl, externalLabels: { city: "danang" }, queue: QUEUE_OPTIONS },
      ],
    });
    try {
      const agent = new RawAgent(collector.url, collector.enroll("unit-a", "vm-query"));
      await agent.hello();
      await report(agent, 1, 5);
      agent.close();
      const expected = normalized(storedSeries(collector.query, { city: "danang" }));
      const got = await eventually(async () => {
        const now = await exported("vm-query");
        return count(now) >= count(expected) ? now : undefined;
      });
      expectSame(got, expected);
    } finally {
      await collector.stop();
    }
  });

  it("delivers every sample stored while the receiver was down exactly once after it is back", async (ctx) => {
    if (!vm) return ctx.skip();
    const server = vm;
    const collector = await testCollector({
      remoteWrite: [{ name: "vm", url: server.writeUrl, queue: QUEUE_OPTIONS }],
    });
    try {
      const agent = new RawAgent(collector.url, collector.enroll("unit-a", "vm-outage"));
      await agent.hello();
      await report(agent, 1, 3);
      const before = count(normalized(storedSeries(collector.query)));
      await eventually(async () =>
        count(await exported("vm-outage")) === before ? true : undefined,
      );

      await server.pause();
      await report(agent, 4, 10);
      // Stored and acknowledged while the receiver is away: queued and retried, not lost.
      await eventually(async () =>
        (await metric(collector.url, "giamsat_remote_write_samples_retried_total", "vm")) > 0
          ? true
          : undefined,
      );
      expect(
        await metric(collector.url, "giamsat_remote_write_queue_samples", "vm"),
      ).toBeGreaterThan(0);
      // Down for a while: several attempts fail and back off before it returns.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await server.resume();
      await report(agent, 11, 12);
      agent.close();

      const expected = normalized(storedSeries(collector.query));
      await eventually(async () =>
        (await metric(collector.url, "giamsat_remote_write_queue_samples", "vm")) === 0
          ? true
          : undefined,
      );
      const got = await eventually(async () => {
        const now = await exported("vm-outage");
        return count(now) >= count(expected) ? now : undefined;
      });
      expectSame(got, expected);
      expect(await metric(collector.url, "giamsat_remote_write_samples_sent_total", "vm")).toBe(
        count(expected),
      );
    } finally {
      await collector.stop();
    }
  });

  it("sends what was still queued when the collector was killed, after its restart", async (ctx) => {
    if (!vm) return ctx.skip();
    const server = vm;
    const dir = tempDir();
    let collector: CollectorProcess | undefined;
    try {
      collector = await startCollectorProcess(
        dir.path,
        `${TWO_UNITS}remoteWrite:\n  - { name: vm, url: "${server.writeUrl}", queue: ${QUEUE} }\n`,
      );
      const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", "vm-killed"));
      await agent.hello();
      // The receiver is down, so everything stored stays queued.
      await server.pause();
      await report(agent, 1, 6);
      const db = readDatabase(join(dir.path, "collector.db"));
      const expected = normalized(storedSeries(db.query));
      db.close();
      const url = collector.url;
      await eventually(async () =>
        (await metric(url, "giamsat_remote_write_queue_samples", "vm")) === count(expected)
          ? true
          : undefined,
      );
      await collector.program.stop("SIGKILL");
      agent.close();

      await server.resume();
      collector = await attachCollector(dir.path, collector.configFile);
      const got = await eventually(async () => {
        const now = await exported("vm-killed");
        return count(now) >= count(expected) ? now : undefined;
      });
      // Nothing was in flight when it was killed (the receiver was down), so nothing is doubled.
      expectSame(got, expected);
    } finally {
      await collector?.program.stop();
      dir.remove();
    }
  });
});
