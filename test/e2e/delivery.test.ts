// Nothing reported is lost across outages and crashes, and nothing is stored twice: real collector
// and agent processes, real SQLite files, faults injected by signal and by a TCP proxy.
import { writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
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

/** Checks that produce a steady flow of samples (about 100/s) without loading the machine. */
function checks(tcpPort: number): string {
  const tcp = Array.from(
    { length: 50 },
    (_, i) =>
      `  - { name: svc-${i}, category: shared_software, kind: tcp, host: "127.0.0.1", port: ${tcpPort}, interval: "1s" }`,
  );
  return `host: { interval: "5s" }\nchecks:\n${tcp.join("\n")}\n`;
}

const dir = tempDir("giamsat-delivery-");
let port: number;
/** A local service the agents' tcp checks connect to. */
const service = createServer((socket) => socket.end());
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
    `collector: "${url}"\ntoken: "${token}"\nbuffer: { path: "./${name}.db"${extra} }\n${checks((service.address() as AddressInfo).port)}`,
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
  await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
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
  service.close();
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

  it("drops the oldest data when the outbox is full, counts it, and delivers the newest", {
    timeout: 120_000,
  }, async () => {
    const files = agentFiles(
      "tiny",
      await (collector as CollectorProcess).enroll("so-tttt", "tiny"),
      ", maxMegabytes: 0.005",
    );
    const ts = (sample: string) => Number(sample.split(" ")[1]);
    const agent = startAgent(files);
    await sleep(1500);
    const outageFrom = Date.now();
    await stopCollector();
    await sleep(5000); // about 100 results: several times what a 5 KB outbox holds
    await startCollector();
    const url = (collector as CollectorProcess).url;
    const counter = async () =>
      find(await scrape(url), "giamsat_agent_buffer_dropped_samples_total", {
        agent: "tiny",
        reason: "full",
      })[0]?.value;
    // Once reconnected the agent reports what it dropped; then everything else drains.
    await eventually(
      async () => ((await counter()) ?? 0) > 0 || undefined,
      60_000,
      "drops reported",
    );
    const backAt = Date.now(); // the agent is connected again: it reports drops only then
    // Everything older than a few seconds that did not arrive must be what the agent dropped.
    await eventually(
      async () => {
        const snapshot = Date.now();
        const stored = new Set(await storedSamples(configFile, "tiny"));
        const old = producedSamples(files.trace).filter((s) => ts(s) < snapshot - 3000);
        const missing = old.filter((s) => !stored.has(s)).length;
        return missing === (await counter()) ? true : undefined;
      },
      30_000,
      "everything not dropped delivered",
    );
    const drainedAt = Date.now(); // the backlog is delivered: the outbox is no longer full
    await stop(agent);
    const produced = producedSamples(files.trace);
    const stored = await storedSamples(configFile, "tiny");
    const dropped = produced.length - stored.length;
    expect(dropped).toBeGreaterThan(0);
    // Everything stored was produced; what is missing was dropped, and the agent says how much.
    const all = new Set(produced);
    expect(stored.every((s) => all.has(s))).toBe(true);
    expect(await counter()).toBe(dropped);
    // Oldest first: nothing produced after the backlog was delivered was dropped, and what was
    // dropped from the outage is older, on average, than what was kept from it. (Not strictly
    // older: batches already sent when the link broke are kept, since they may have arrived; and
    // while the backlog drains after the link is back the outbox is still full, so the oldest
    // unsent results may be newer than the reconnection.)
    const kept = new Set(stored);
    const missing = produced.filter((s) => !kept.has(s)).map(ts);
    expect(Math.max(...missing)).toBeLessThan(drainedAt);
    const keptFromOutage = stored.map(ts).filter((t) => t >= outageFrom && t < backAt);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(keptFromOutage.length).toBeGreaterThan(0);
    expect(mean(missing)).toBeLessThan(mean(keptFromOutage));
  });
});
