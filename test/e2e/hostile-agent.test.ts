// One authenticated agent sends everything an attacker with its token would try: a label named
// __name__ and one named Unit, the collector's own metric names, names and labels the metric table
// does not declare, results dated 2199, more series than its cap, and then it is revoked. A real
// Prometheus scraping the collector every second keeps the target up throughout, and the
// well-behaved agent's checks keep arriving in Prometheus with their right values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, RawAgent } from "../helpers/collector.js";
import { peer } from "../helpers/peers.js";
import {
  type CollectorProcess,
  startCollectorProcess,
  TWO_UNITS,
  tempDir,
} from "../helpers/processes.js";
import { type PrometheusServer, startPrometheus } from "../helpers/prometheus.js";

const prometheusBinary = peer("prometheus");
const dir = tempDir();
let collector: CollectorProcess;
let prometheus: PrometheusServer | undefined;
const CHECK = { check: "gw", category: "lan", kind: "ping" };

beforeAll(async () => {
  collector = await startCollectorProcess(
    dir.path,
    `limits: { seriesPerAgent: 300 }\n${TWO_UNITS}`,
  );
  if (!prometheusBinary) return;
  prometheus = await startPrometheus({
    binary: prometheusBinary,
    config: {
      global: { scrape_interval: "1s", scrape_timeout: "900ms" },
      scrape_configs: [
        { job_name: "giamsat", static_configs: [{ targets: [new URL(collector.url).host] }] },
      ],
    },
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await collector?.program.stop();
  dir.remove();
});

/** What the hostile agent sends, one connection each (a refused batch closes it). */
function attacks(now: number): { what: string; batch: Record<string, unknown> }[] {
  const sample = (metric: string, labels: Record<string, string>, ts = now, value = 1) => ({
    metric,
    labels,
    ts,
    value,
  });
  const many = Array.from({ length: 1000 }, (_, i) =>
    sample("giamsat_snmp_interface_up", { ...CHECK, kind: "snmp", interface: `x-${i}` }),
  );
  const future = Date.UTC(2199, 0, 1);
  return [
    {
      what: "__name__",
      batch: batch(1, now, {
        samples: [sample("giamsat_ping_rtt_seconds", { ...CHECK, __name__: "up" })],
      }),
    },
    {
      what: "Unit",
      batch: batch(1, now, {
        samples: [sample("giamsat_ping_rtt_seconds", { ...CHECK, Unit: "so-tttt" })],
      }),
    },
    {
      what: "the collector's own names",
      batch: batch(1, now, {
        samples: [sample("giamsat_collector_process_resident_memory_bytes", {}, now, 1e15)],
      }),
    },
    {
      what: "names and labels outside the table",
      batch: batch(2, now, {
        samples: [
          sample("giamsat_made_up", { colour: "red" }),
          sample("giamsat_ping_rtt_seconds", { ...CHECK, instance: "x", job: "y" }),
        ],
      }),
    },
    {
      what: "a result dated 2199",
      batch: batch(3, future, {
        sentAt: now,
        samples: [sample("giamsat_ping_rtt_seconds", CHECK, future)],
      }),
    },
    { what: "more series than its cap", batch: batch(4, now, { samples: many }) },
  ];
}

describe.skipIf(!prometheusBinary)("a hostile agent and a real Prometheus", () => {
  it("keeps the collector's target up while one agent sends everything, and the good agent's data flows", async () => {
    const server = prometheus as PrometheusServer;
    const good = new RawAgent(collector.url, await collector.enroll("quan-hai-chau", "good"));
    await good.hello();
    const hostileToken = await collector.enroll("so-tttt", "hostile");
    const ups: number[] = [];
    let seq = 0;
    const started = Date.now();
    // First scrapes, before anything is sent.
    while (Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 250));
    for (const attack of attacks(Date.now())) {
      const agent = new RawAgent(collector.url, hostileToken);
      await agent.hello();
      agent.send(attack.batch);
      await agent.next((m) => m.type === "ack" || m.type === "error");
      agent.close();
      good.send(batch(++seq, Date.now()));
      await good.next((m) => m.type === "ack" && m.seq === seq);
      // Two scrapes at least after each attack.
      await new Promise((r) => setTimeout(r, 2200));
      const [up] = await server.query('up{job="giamsat"}');
      ups.push(up?.value ?? -1);
    }
    await collector.revoke("so-tttt", "hostile");
    await new Promise((r) => setTimeout(r, 2200));
    // Every scrape since the first attack succeeded: up never 0, the last scrape without error.
    const [lowest] = await server.query('min_over_time(up{job="giamsat"}[30s])');
    const targets = await server.api<{
      activeTargets: { health: string; lastError: string; labels: Record<string, string> }[];
    }>("targets");
    const target = targets.activeTargets.find((t) => t.labels.job === "giamsat");
    expect({
      ups,
      lowest: lowest?.value,
      health: target?.health,
      lastError: target?.lastError,
    }).toEqual({
      ups: [1, 1, 1, 1, 1, 1],
      lowest: 1,
      health: "up",
      lastError: "",
    });
    // The good agent's check is in Prometheus; nothing the hostile agent tried is.
    const check = await server.query('giamsat_check_up{agent="good"}');
    expect(check.map((s) => s.value)).toEqual([1]);
    const spoofed = await server.query(
      'giamsat_collector_process_resident_memory_bytes > 1e14 or giamsat_made_up or {agent="hostile", __name__=~"giamsat_(ping|snmp)_.*"}',
    );
    expect(spoofed).toEqual([]);
    good.close();
  });
});
