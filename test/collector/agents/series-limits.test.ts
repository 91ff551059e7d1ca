// Caps on series: a real agent with more series than its collector allows gets the rest stored,
// the new series past the cap refused, counted by both sides and logged once; agents together
// cannot pass the collector's cap, also across a restart of the collector.
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { RawAgent } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  type Program,
  startCollectorProcess,
  startProgram,
  TWO_UNITS,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";

const running: Program[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  for (const program of running.splice(0)) await program.stop("SIGKILL");
  for (const dir of dirs.splice(0)) dir.remove();
});

async function collectorWith(limits: string): Promise<CollectorProcess> {
  const dir = tempDir("giamsat-limits-");
  dirs.push(dir);
  const collector = await startCollectorProcess(dir.path, `limits: ${limits}\n${TWO_UNITS}`);
  running.push(collector.program);
  return collector;
}

function seriesOf(collector: CollectorProcess, agent: string): number {
  const db = new Database(`${collector.dir}/collector.db`, { readonly: true });
  try {
    const row = db
      .prepare(
        "SELECT count(*) AS n FROM series s JOIN agents a ON a.id = s.agent_id WHERE a.name = ?",
      )
      .get(agent) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/** A batch of `count` samples of one metric, one series each, numbered from `from`. */
function wideBatch(seq: number, from: number, count: number) {
  const ts = Date.now();
  return {
    type: "batch",
    v: 1,
    seq,
    sentAt: ts,
    results: [],
    samples: Array.from({ length: count }, (_, i) => ({
      metric: "giamsat_snmp_interface_up",
      labels: { check: "sw", category: "lan", kind: "snmp", interface: `ge-0/0/${from + i}` },
      ts,
      value: 1,
    })),
  };
}

describe("series per agent", () => {
  it("stores a real agent's series up to the cap and refuses new ones past it; both sides count them", async () => {
    const collector = await collectorWith("{ seriesPerAgent: 10 }");
    const config = writeAgentConfig(
      collector.dir,
      "busy",
      collector.url,
      await collector.enroll("so-tttt", "busy"),
    );
    const agent = startProgram(AGENT_CLI, ["run", "--config", config]);
    running.push(agent);
    const logged = await agent.waitForLog((l) => l.msg === "collector refused samples", 30_000);
    expect(logged).toMatchObject({
      level: "warn",
      refused: { agent_series_limit: expect.any(Number) },
    });
    expect(String(logged.reason)).toMatch(
      /the agent has as many series as limits\.seriesPerAgent allows \(10\); new series are refused/,
    );
    // A few more seconds of runs: still refused, still logged once by the collector.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await agent.stop()).toBe(0);
    expect(seriesOf(collector, "busy")).toBe(10);

    const refused = find(await scrape(collector.url), "giamsat_agent_refused_samples_total", {
      agent: "busy",
      reason: "agent_series_limit",
    });
    expect(refused).toHaveLength(1);
    const counted = refused[0]?.value ?? 0;
    expect(counted).toBeGreaterThan(0);
    // What the agent counted as refused (kept in its buffer file) is what the collector refused.
    const buffer = new Database(`${collector.dir}/busy-buffer.db`, { readonly: true });
    const agentCounted = buffer
      .prepare("SELECT value FROM state WHERE key = 'dropped_refused'")
      .get() as { value: number };
    buffer.close();
    expect(agentCounted.value).toBe(counted);
    const lines = collector.program
      .output()
      .split("\n")
      .filter((line) => line.includes('"msg":"agent samples refused"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: "warn",
      unit: "so-tttt",
      agent: "busy",
      refused: { agent_series_limit: expect.any(Number) },
    });
  });
});

describe("series per collector", () => {
  it("refuses new series of any agent past the collector's cap, keeps taking known ones, and remembers after a restart", async () => {
    const collector = await collectorWith("{ seriesPerAgent: 100, seriesPerCollector: 150 }");
    const tokens = {
      a: await collector.enroll("so-tttt", "pc-a"),
      b: await collector.enroll("quan-hai-chau", "pc-b"),
    };
    const a = new RawAgent(collector.url, tokens.a);
    await a.hello();
    a.send(wideBatch(1, 0, 100));
    expect(await a.next((m) => m.type !== "welcome")).toEqual({ type: "ack", seq: 1 });

    const b = new RawAgent(collector.url, tokens.b);
    await b.hello();
    b.send(wideBatch(1, 0, 100));
    expect(await b.next((m) => m.type === "refused")).toEqual({
      type: "refused",
      seq: 1,
      samples: { collector_series_limit: 50 },
      message:
        "samples[50]: the collector has as many series as limits.seriesPerCollector allows (150); new series are refused",
    });
    expect(await b.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: 1 });
    expect(seriesOf(collector, "pc-b")).toBe(50);
    // Series that exist keep being stored.
    a.send(wideBatch(2, 0, 100));
    expect(await a.next((m) => m.type === "ack" && m.seq === 2)).toBeDefined();
    expect(a.messages.filter((m) => m.type === "refused")).toEqual([]);
    a.close();
    b.close();

    await collector.program.stop();
    const again = await attachCollector(collector.dir, collector.configFile);
    running.push(again.program);
    const b2 = new RawAgent(again.url, tokens.b);
    await b2.hello();
    b2.send(wideBatch(2, 100, 10));
    expect(await b2.next((m) => m.type === "refused")).toMatchObject({
      samples: { collector_series_limit: 10 },
    });
    expect(seriesOf(again, "pc-b")).toBe(50);
    b2.close();
  });
});
