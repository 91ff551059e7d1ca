// Into a real Prometheus (--web.enable-remote-write-receiver): a real agent reports to a real
// collector, and every sample the collector stored can be queried back from Prometheus, with the
// same labels, values and timestamps.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { find, scrape } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  TWO_UNITS,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";
import { type PrometheusServer, startPrometheus } from "../../helpers/prometheus.js";
import {
  normalized,
  readDatabase,
  type SeriesSamplesMap,
  seriesKey,
  storedSeries,
} from "../../helpers/remote-write.js";

describe("remote write into Prometheus", () => {
  const dir = tempDir();
  let prometheus: PrometheusServer | undefined;
  let collector: CollectorProcess | undefined;
  let agent: Program | undefined;

  afterAll(async () => {
    await agent?.stop();
    await collector?.program.stop();
    await prometheus?.stop();
    dir.remove();
  });

  it("holds every sample the collector stored, with the same labels, values and timestamps", async (ctx) => {
    const binary = peer("prometheus");
    if (!binary) return ctx.skip();
    prometheus = await startPrometheus({
      binary,
      config: { global: { scrape_interval: "1m" } },
      args: ["--web.enable-remote-write-receiver"],
    });
    collector = await startCollectorProcess(
      dir.path,
      `${TWO_UNITS}remoteWrite:
  - name: prometheus
    url: "${prometheus.url}/api/v1/write"
    externalLabels: { city: danang }
    queue: { flushInterval: 100ms, minBackoff: 50ms, maxBackoff: 500ms }
`,
    );
    const token = await collector.enroll("so-tttt", "pc-01");
    agent = startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(dir.path, "pc-01", collector.url, token),
    ]);
    const db = readDatabase(join(dir.path, "collector.db"));
    try {
      // A few rounds of the host check, then the agent stops so the set is final.
      await eventually(
        () =>
          (db.query<{ n: number }>("SELECT count(*) AS n FROM batches")[0]?.n ?? 0) >= 4 ||
          undefined,
        30_000,
        "four batches stored",
      );
      await agent.stop();
      const url = collector.url;
      await eventually(
        async () => {
          const [queued] = find(await scrape(url), "giamsat_remote_write_queue_samples", {
            endpoint: "prometheus",
          });
          return queued?.value === 0 ? true : undefined;
        },
        20_000,
        "queue empty",
      );
      const expected = normalized(storedSeries(db.query, { city: "danang" }));
      const got = normalized(await everything(prometheus, '{unit="so-tttt"}'));
      expect(Object.keys(got).length).toBeGreaterThan(10);
      expect(got).toEqual(expected);
      const [sent] = find(await scrape(url), "giamsat_remote_write_samples_sent_total", {
        endpoint: "prometheus",
      });
      expect(sent?.value).toBe(Object.values(expected).flat().length);
    } finally {
      db.close();
    }
  });
});

/** Every raw sample of the selected series in the last hour, from a range-vector query. */
async function everything(
  prometheus: PrometheusServer,
  selector: string,
): Promise<SeriesSamplesMap> {
  const data = await prometheus.api<{
    resultType: string;
    result: { metric: Record<string, string>; values: [number, string][] }[];
  }>("query", { query: `${selector}[1h]`, time: String(Date.now() / 1000) });
  const out: SeriesSamplesMap = new Map();
  for (const series of data.result) {
    out.set(
      seriesKey(series.metric),
      // Prometheus writes times as seconds with three decimals and values in Go's shortest
      // round-trip form, which Number() reads back to the very same float64.
      series.values.map(([t, v]) => `${Math.round(t * 1000)} ${Number(v)}`),
    );
  }
  return out;
}
