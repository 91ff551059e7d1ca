// Nothing reported is lost across outages and crashes, and nothing is stored twice: real collector
// and agent processes, real SQLite files, faults injected by signal and by a TCP proxy.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AckCutter, freePort, producedSamples, storedSamples } from "../helpers/delivery.js";
import { find, scrape } from "../helpers/metrics.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  eventually,
  type Program,
  startProgram,
  TWO_UNITS,
  tempDir,
} from "../helpers/processes.js";

/** Checks that produce a steady flow of samples without loading the machine. */
const CHECKS = `host: { interval: "1s" }
checks:
  - { name: host-2, category: equipment, kind: host, interval: "1s" }
  - { name: host-3, category: equipment, kind: host, interval: "1s" }
  - { name: host-4, category: equipment, kind: host, interval: "1s" }
`;

const dir = tempDir("giamsat-delivery-");
let port: number;
let configFile: string;
let collector: CollectorProcess | undefined;
const running = new Set<Program>();

async function startCollector(): Promise<CollectorProcess> {
  collector = await attachCollector(dir.path, configFile);
  running.add(collector.program);
  return collector;
}

async function stopCollector(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!collector) return;
  await collector.program.stop(signal);
  running.delete(collector.program);
  collector = undefined;
}

function agentFiles(name: string, token: string, extra = "", url = `ws://127.0.0.1:${port}/agent`) {
  const file = join(dir.path, `${name}.yaml`);
  writeFileSync(
    file,
    `collector: "${url}"\ntoken: "${token}"\nbuffer: { path: "./${name}.db"${extra} }\n${CHECKS}`,
  );
  return { file, trace: join(dir.path, `${name}.trace`) };
}

function startAgent(files: { file: string; trace: string }): Program {
  const program = startProgram(AGENT_CLI, ["run", "--config", files.file], {
    GIAMSAT_AGENT_TRACE: files.trace,
  });
  running.add(program);
  return program;
}

async function stop(program: Program, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await program.stop(signal);
  running.delete(program);
}

/** Waits until the collector has stored at least what the trace holds so far. */
async function caughtUp(name: string, trace: string, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => {
      const produced = producedSamples(trace).length;
      const stored = (await storedSamples(configFile, name)).length;
      return produced > 0 && stored >= produced ? true : undefined;
    },
    timeoutMs,
    `${name} delivered everything`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  port = await freePort();
  configFile = join(dir.path, "collector.yaml");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:${port}"\ndatabase: "./collector.db"\n${TWO_UNITS}`,
  );
  await startCollector();
});

afterEach(async () => {
  // A failed test must not leave the next one without a collector.
  if (!collector) await startCollector();
});

afterAll(async () => {
  for (const program of running) await program.stop("SIGKILL");
  dir.remove();
});

describe("delivery", () => {
  it("loses nothing when the collector is killed with batches in flight", async () => {
    const files = agentFiles(
      "kill-collector",
      await (collector as CollectorProcess).enroll("so-tttt", "kill-collector"),
    );
    const agent = startAgent(files);
    await sleep(4000);
    await stopCollector("SIGKILL");
    await sleep(1500);
    await startCollector();
    await sleep(2000);
    await caughtUp("kill-collector", files.trace);
    await stop(agent);
    const produced = producedSamples(files.trace);
    expect(produced.length).toBeGreaterThan(100);
    expect(await storedSamples(configFile, "kill-collector")).toEqual(produced);
  });

  it("loses nothing when the agent is killed with unsent data in its outbox", async () => {
    const files = agentFiles(
      "kill-agent",
      await (collector as CollectorProcess).enroll("so-tttt", "kill-agent"),
    );
    const first = startAgent(files);
    await sleep(2000);
    await stopCollector();
    await sleep(3000); // the outbox fills while the collector is away
    await stop(first, "SIGKILL");
    await startCollector();
    const second = startAgent(files);
    await sleep(2000);
    await caughtUp("kill-agent", files.trace);
    await stop(second);
    const produced = producedSamples(files.trace);
    expect(await storedSamples(configFile, "kill-agent")).toEqual(produced);
  });

  it("delivers thousands of samples queued while the collector was down, exactly once", async () => {
    const files = agentFiles(
      "outage",
      await (collector as CollectorProcess).enroll("so-tttt", "outage"),
    );
    const agent = startAgent(files);
    await sleep(1000);
    await stopCollector();
    const downFrom = producedSamples(files.trace).length;
    await eventually(
      () => (producedSamples(files.trace).length - downFrom > 1000 ? true : undefined),
      120_000,
      "a thousand samples queued",
    );
    await startCollector();
    await caughtUp("outage", files.trace, 60_000);
    await stop(agent);
    const produced = producedSamples(files.trace);
    expect(produced.length - downFrom).toBeGreaterThan(1000);
    expect(await storedSamples(configFile, "outage")).toEqual(produced);
  }, 180_000);

  it("stores a batch once when it is delivered twice (ack lost after the commit)", async () => {
    const cutter = new AckCutter(port);
    const proxyPort = await cutter.listen();
    const token = await (collector as CollectorProcess).enroll("so-tttt", "twice");
    const files = agentFiles("twice", token, "", `ws://127.0.0.1:${proxyPort}/agent`);
    const agent = startAgent(files);
    await sleep(2500);
    cutter.arm();
    await eventually(() => (cutter.cuts > 0 ? true : undefined), 10_000, "an ack cut");
    await sleep(3000);
    await caughtUp("twice", files.trace);
    await stop(agent);
    await cutter.close();
    const metrics = await scrape((collector as CollectorProcess).url);
    expect(
      find(metrics, "giamsat_collector_duplicate_batches_total")[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(await storedSamples(configFile, "twice")).toEqual(producedSamples(files.trace));
  });

  it("drops the oldest data when the outbox is full, counts it, and delivers the newest", async () => {
    const files = agentFiles(
      "tiny",
      await (collector as CollectorProcess).enroll("so-tttt", "tiny"),
      ", maxMegabytes: 0.02",
    );
    const agent = startAgent(files);
    await sleep(1500);
    await stopCollector();
    await sleep(8000); // far more than 20 KB of results
    await startCollector();
    const url = (collector as CollectorProcess).url;
    await sleep(3000);
    await stop(agent);
    const produced = producedSamples(files.trace);
    const stored = await storedSamples(configFile, "tiny");
    const dropped = produced.length - stored.length;
    expect(dropped).toBeGreaterThan(0);
    // Everything stored was produced; what is missing was dropped, and the agent says how much.
    expect(stored.every((s) => produced.includes(s))).toBe(true);
    const counter = find(await scrape(url), "giamsat_agent_buffer_dropped_samples_total", {
      agent: "tiny",
    })[0];
    expect(counter?.value).toBe(dropped);
    // The newest samples arrived: the last second before the stop is all there.
    const newestTs = Math.max(...produced.map((s) => Number(s.split(" ")[1])));
    const newest = produced.filter((s) => Number(s.split(" ")[1]) > newestTs - 1000);
    expect(newest.every((s) => stored.includes(s))).toBe(true);
  });
});
