// The agent's buffer on a small tmpfs that the test fills up: the agent stays alive, says which file
// cannot be written and how much space is left, keeps results in memory (the oldest dropped and
// counted past buffer.memoryMegabytes), sends them, and writes to the file again by itself once
// space returns. Everything that fit reaches the collector exactly once. Real processes throughout.
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, producedSamples, storedSamples, traceEntries } from "../helpers/delivery.js";
import { find, scrape } from "../helpers/metrics.js";
import { peer } from "../helpers/peers.js";
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

const mount = peer("mount");
const umount = peer("umount");
const root = process.getuid?.() === 0;

const dir = tempDir("giamsat-full-disk-");
const disk = join(dir.path, "disk");
const filler = join(disk, "filler");
let mounted = false;
let port: number;
let configFile: string;
let collector: CollectorProcess | undefined;
const running = new Set<Program>();
const service = createServer((socket) => socket.end());

/** Writes to the tmpfs until it refuses: the disk is full. */
function fillDisk(): void {
  const fd = openSync(filler, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  // Page by page for what a 64 KiB chunk did not fit into.
  const small = openSync(filler, "a");
  try {
    for (;;) writeSync(small, Buffer.alloc(4096, 1));
  } catch {
    // full
  } finally {
    closeSync(small);
  }
}

async function startCollector(): Promise<CollectorProcess> {
  collector = await attachCollector(dir.path, configFile);
  running.add(collector.program);
  return collector;
}

function agentConfig(name: string, token: string): { file: string; trace: string; buffer: string } {
  const file = join(dir.path, `${name}.yaml`);
  const buffer = join(disk, `${name}.db`);
  const tcpPort = (service.address() as AddressInfo).port;
  const checks = Array.from(
    { length: 30 },
    (_, i) =>
      `  - { name: svc-${i}, category: shared_software, kind: tcp, host: "127.0.0.1", port: ${tcpPort}, interval: "1s" }`,
  );
  writeFileSync(
    file,
    `collector: "ws://127.0.0.1:${port}/agent"\ntoken: "${token}"\n` +
      // A small memory allowance, so the oldest held results are dropped within seconds.
      `buffer: { path: "${buffer}", memoryMegabytes: 0.01 }\nhost: false\nchecks:\n${checks.join("\n")}\n`,
  );
  return { file, trace: join(dir.path, `${name}.trace`), buffer };
}

describe.skipIf(!root || !mount || !umount)("the buffer's disk fills up", () => {
  beforeAll(async () => {
    mkdirSync(disk);
    execFileSync(mount as string, ["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", disk]);
    mounted = true;
    await new Promise<void>((resolve) => service.listen(0, "127.0.0.1", resolve));
    port = await freePort();
    configFile = join(dir.path, "collector.yaml");
    writeFileSync(
      configFile,
      `listen: "127.0.0.1:${port}"\ndatabase: "./collector.db"\n${TWO_UNITS}`,
    );
  });

  afterAll(async () => {
    for (const program of running) await program.stop("SIGKILL");
    service.close();
    if (mounted) {
      try {
        execFileSync(umount as string, [disk]);
      } catch {
        execFileSync(umount as string, ["-l", disk]); // still busy: detach it anyway
      }
    }
    dir.remove();
  });

  it("the agent lives on, holds results in memory, and loses nothing that fit", async () => {
    const token = await (await startCollector()).enroll("so-tttt", "full-disk");
    await collector?.program.stop();
    running.delete(collector?.program as Program);
    const { file, trace, buffer } = agentConfig("full-disk", token);
    const agent = startProgram(AGENT_CLI, ["run", "--config", file], {
      GIAMSAT_AGENT_TRACE: trace,
    });
    running.add(agent);
    await agent.waitForLog((line) => line.msg === "agent started");
    await new Promise((r) => setTimeout(r, 3000)); // some results reach the file first

    fillDisk();
    const full = await agent.waitForLog(
      (line) => typeof line.msg === "string" && line.msg.includes("cannot be written"),
      15_000,
    );
    expect(full).toMatchObject({ level: "error", file: buffer });
    expect(full.freeBytes).toBeLessThan(64 * 1024);
    expect(String(full.msg)).toContain(`the buffer file ${buffer} cannot be written (`);

    // Past the memory allowance the oldest held results are dropped, and the agent goes on.
    await eventually(
      () => (traceEntries(trace).dropped.length > 0 ? true : undefined),
      30_000,
      "drops",
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(agent.child.exitCode).toBeNull();

    // The collector comes back: what memory holds is sent at once, the disk still full.
    await startCollector();
    // The agent has been retrying since it started, so its next attempt may be up to the longest
    // backoff (60 s) away.
    await agent.waitForLog((line) => line.msg === "connected to the collector", 75_000);
    await new Promise((r) => setTimeout(r, 3000));
    // Space returns: the agent writes to its file again without a restart and sends the rest.
    rmSync(filler);
    await agent.waitForLog(
      (line) =>
        line.msg ===
        "the buffer's disk takes writes again: what was held in memory is now in the file",
      15_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    await agent.stop();
    running.delete(agent);
    expect(await agent.exited).toBe(0);

    // Everything written (to the file or memory) and not dropped was stored, exactly once.
    const produced = producedSamples(trace);
    await eventually(
      async () =>
        (await storedSamples(configFile, "full-disk")).length >= produced.length ? true : undefined,
      30_000,
      "everything delivered",
    );
    expect(await storedSamples(configFile, "full-disk")).toEqual(produced);

    // What was dropped was held in memory while the disk was full (which ones go first is the
    // outbox's own test: the oldest held).
    const { dropped } = traceEntries(trace);
    const fullSince = Date.parse(String(full.time));
    for (const entry of dropped) {
      const ts = entry.results[0]?.ts ?? entry.samples[0]?.ts ?? 0;
      expect(ts).toBeGreaterThan(fullSince - 3000);
    }

    // And counted: the collector received the count of what was dropped.
    const droppedCount = dropped.reduce(
      (sum, e) => sum + e.results.length * 2 + e.samples.length,
      0,
    );
    expect(droppedCount).toBeGreaterThan(0);
    const metrics = await scrape((collector as CollectorProcess).url);
    expect(
      find(metrics, "giamsat_agent_buffer_dropped_samples_total", {
        agent: "full-disk",
        reason: "disk_full",
      })[0]?.value,
    ).toBe(droppedCount);
  }, 240_000);

  it("an agent started on the still-full disk runs, and says why its file cannot be written", async () => {
    const token = await (collector ?? (await startCollector())).enroll("so-tttt", "restart-full");
    const { file, buffer } = agentConfig("restart-full", token);
    const first = startProgram(AGENT_CLI, ["run", "--config", file]);
    running.add(first);
    await first.waitForLog((line) => line.msg === "connected to the collector");
    fillDisk();
    await first.stop("SIGKILL");
    running.delete(first);
    const again = startProgram(AGENT_CLI, ["run", "--config", file]);
    running.add(again);
    const said = await again.waitForLog(
      (line) => typeof line.msg === "string" && line.msg.includes("cannot be written"),
      15_000,
    );
    expect(said).toMatchObject({ file: buffer });
    await again.waitForLog((line) => line.msg === "connected to the collector");
    await new Promise((r) => setTimeout(r, 3000));
    expect(again.child.exitCode).toBeNull();
    expect(again.output()).not.toContain("SqliteError");
    rmSync(filler);
    await again.stop();
    running.delete(again);
  }, 120_000);
});
