// The agent's link against a real in-process collector: delivery and reconnect.
import { afterEach, describe, expect, it } from "vitest";
import { Link } from "../../agent/link.js";
import { Outbox } from "../../agent/outbox/outbox.js";
import { startCollector } from "../../collector/collector.js";
import { silentLogger } from "../../shared/log.js";
import { type TestCollector, testCollector } from "../helpers/collector.js";
import { eventually } from "../helpers/processes.js";

const hello = { agentVersion: "test", hostname: "h", os: "linux", bootId: "b" };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function entry(ts: number, value: number) {
  return {
    results: [
      { check: "gw", category: "lan" as const, kind: "ping", ts, up: true, duration: 0.001 },
    ],
    samples: [{ metric: "giamsat_ping_rtt_seconds", labels: { check: "gw" }, ts, value }],
    inventory: [],
  };
}

function stored(collector: TestCollector, agent: string): number {
  const [row] = collector.query<{ n: number }>(
    `SELECT count(*) AS n FROM samples v JOIN series s ON s.id = v.series_id JOIN agents a ON a.id = s.agent_id
     WHERE a.name = ? AND s.metric = 'giamsat_ping_rtt_seconds'`,
    agent,
  );
  return row?.n ?? 0;
}

describe("link", () => {
  it("delivers what the outbox holds and empties it once acknowledged", async () => {
    const collector = await testCollector();
    cleanups.push(() => collector.stop());
    const outbox = new Outbox({ path: ":memory:", maxBytes: 1e7, batchBytes: 2000 });
    const link = new Link({
      url: `${collector.url.replace("http", "ws")}/agent`,
      token: collector.enroll("unit-a", "l1"),
      outbox,
      hello,
      log: silentLogger(),
    });
    cleanups.push(() => link.stop());
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) outbox.append(entry(t0 + i, i));
    link.start();
    await eventually(() => (outbox.size === 0 ? true : undefined));
    expect(stored(collector, "l1")).toBe(50);
  });

  it("keeps data while the collector is away and delivers it when it is back", async () => {
    const first = await testCollector();
    const port = Number(new URL(first.url).port);
    const token = first.enroll("unit-a", "l2");
    await first.close();
    const outbox = new Outbox({ path: ":memory:", maxBytes: 1e7 });
    const link = new Link({
      url: `ws://127.0.0.1:${port}/agent`,
      token,
      outbox,
      hello,
      log: silentLogger(),
      minBackoffMs: 20,
      maxBackoffMs: 100,
    });
    cleanups.push(() => link.stop());
    link.start();
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) outbox.append(entry(t0 + i, i));
    await new Promise((r) => setTimeout(r, 300));
    expect(link.state).not.toBe("open");
    expect(outbox.size).toBe(60);
    const again = await startCollector(
      { ...first.config, listen: { host: "127.0.0.1", port } },
      silentLogger(),
    );
    cleanups.push(async () => {
      await again.close();
      await first.stop();
    });
    await eventually(() => (outbox.size === 0 ? true : undefined), 10_000, "outbox drained");
    expect(stored(first, "l2")).toBe(20);
  });
});
