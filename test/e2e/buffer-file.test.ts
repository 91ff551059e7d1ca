// The agent's buffer file against real agent and collector processes: a second agent on the same
// file exits 2 naming the file and the first agent's process; a corrupt file no longer crash-loops
// the agent: it is moved aside, the agent runs on a fresh one, and the collector hears of the loss.
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type Entry, Outbox } from "../../agent/outbox/outbox.js";
import { AgentAndCollector } from "../helpers/agent-and-collector.js";
import { storedSamples } from "../helpers/delivery.js";
import { find, scrape } from "../helpers/metrics.js";
import { type CollectorProcess, eventually } from "../helpers/processes.js";

const processes = new AgentAndCollector();
afterEach(() => processes.cleanUp());

/** The agent's only check is the collector's port: no host metrics to wait for. */
const setUp = (name: string) => processes.setUp(name, "host: false\n");
const startAgent = (config: string) => processes.startAgent(config);

async function counter(
  collector: CollectorProcess,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  return find(await scrape(collector.url), name, labels)[0]?.value;
}

describe("one buffer file, two agents", () => {
  it("the second exits 2 naming the file and the first agent's process; the first goes on", async () => {
    const { config, buffer } = await setUp("twice");
    const first = startAgent(config);
    await first.waitForLog((line) => line.msg === "connected to the collector");
    const second = startAgent(config);
    expect(await second.exited).toBe(2);
    expect(second.output()).toContain(
      `buffer.path: ${buffer} is in use by another giamsat agent (PID ${first.child.pid}, started `,
    );
    expect(second.output()).toContain(
      "stop that agent, or give this one its own buffer.path (one buffer file per agent)",
    );
    // The first never noticed.
    await new Promise((r) => setTimeout(r, 1500));
    expect(first.child.exitCode).toBeNull();
    expect(first.output()).not.toContain("disconnected from the collector");
  });
});

function entry(ts: number): Entry {
  return {
    results: [{ check: "earlier", category: "lan", kind: "ping", ts, up: true, duration: 0.001 }],
    samples: Array.from({ length: 20 }, (_, i) => ({
      metric: "giamsat_ping_rtt_seconds",
      labels: { check: "earlier", category: "lan", kind: "ping", n: `${i}-${"x".repeat(40)}` },
      ts,
      value: Math.sin(ts + i),
    })),
    inventory: [],
  };
}

describe("a corrupt buffer file", () => {
  it("that is not a database: the agent runs on a fresh file, and the collector counts it", async () => {
    const { collector, config, buffer, dir } = await setUp("garbage");
    writeFileSync(buffer, Buffer.alloc(64 * 1024, 0x5a));
    const agent = startAgent(config);
    const said = await agent.waitForLog((line) =>
      String(line.msg).startsWith("the buffer file was corrupt"),
    );
    expect(said).toMatchObject({ level: "error", file: buffer, lostSamples: "unknown" });
    await agent.waitForLog((line) => line.msg === "connected to the collector");
    expect(readdirSync(dir).filter((f) => f.startsWith("garbage-buffer.db.corrupt-"))).toHaveLength(
      1,
    );
    await eventually(
      async () =>
        (await counter(collector, "giamsat_agent_buffer_corrupt_files_total", {
          agent: "garbage",
        })) === 1
          ? true
          : undefined,
      20_000,
      "the corrupt file counted at the collector",
    );
    expect(agent.child.exitCode).toBeNull();
  });

  it("damaged in the middle: what can be read is sent, and the loss is counted at the collector", async () => {
    const { collector, config, buffer } = await setUp("damaged");
    const ts = Date.now() - 60_000;
    const before = new Outbox({ path: buffer, maxBytes: 1e9 });
    for (let i = 0; i < 300; i++) before.append(entry(ts + i));
    before.close();
    const size = statSync(buffer).size;
    const fd = openSync(buffer, "r+");
    const noise = Buffer.alloc(10 * 4096, 0xa5);
    writeSync(fd, noise, 0, noise.length, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);

    const agent = startAgent(config);
    const said = await agent.waitForLog((line) =>
      String(line.msg).startsWith("the buffer file was corrupt"),
    );
    const lost = Number(said.lostSamples);
    expect(lost).toBeGreaterThan(0);
    expect(Number(said.salvagedSamples) + lost).toBe(300 * 22);
    await eventually(
      async () =>
        (await counter(collector, "giamsat_agent_buffer_dropped_samples_total", {
          agent: "damaged",
          reason: "corrupt",
        })) === lost
          ? true
          : undefined,
      20_000,
      "the loss counted at the collector",
    );
    // The oldest and the newest of what the file held both arrived, the damaged middle did not.
    const upAt = (stored: string[], at: number) =>
      stored.some(
        (line) =>
          line.startsWith("giamsat_check_up{category=lan,check=earlier") &&
          line.includes(` ${at} `),
      );
    const stored = await eventually(
      async () => {
        const all = await storedSamples(collector.configFile, "damaged");
        return upAt(all, ts) && upAt(all, ts + 299) ? all : undefined;
      },
      20_000,
      "salvaged results delivered",
    );
    const earlier = stored.filter((line) =>
      line.startsWith("giamsat_check_up{category=lan,check=earlier"),
    );
    expect(earlier.length * 22).toBe(300 * 22 - lost);
    expect(agent.child.exitCode).toBeNull();
  });
});
