// The process kind: config errors naming the field, and real processes found by their command line.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { matchingProcesses, type ProcessRecord } from "../../../agent/probes/process.js";
import { METRICS } from "../../../shared/metrics.js";
import {
  configError,
  loadChecks,
  runLoaded,
  sampleValue,
  writeChecks,
} from "../../helpers/checks.js";
import { AGENT_CLI, runCli, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid);
  }
  dir.remove();
});

/** A node process that idles, with `marker` on its command line. */
function idler(marker: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", marker], {
    stdio: "ignore",
  });
  children.push(child);
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once("exit", () => done());
    if (child.pid) process.kill(child.pid);
  });
}

/** A node process that keeps one core busy, with `marker` on its command line. */
function spinner(marker: string): ChildProcess {
  const child = spawn(process.execPath, ["-e", "for (;;) {}", marker], { stdio: "ignore" });
  children.push(child);
  return child;
}

describe("process config", () => {
  it("fills minCount from the schema", () => {
    const [check] = loadChecks(dir.path, [
      '{ name: db, category: shared_software, kind: process, match: "postgres" }',
    ]);
    expect(check).toMatchObject({ kind: "process", match: "postgres", minCount: 1 });
  });

  it.each([
    [
      "{ name: db, category: shared_software, kind: process }",
      "agent.yaml: checks[0] (db).match: is required: a piece of the command line (or give processName, the exact process name)",
    ],
    [
      '{ name: db, category: shared_software, kind: process, match: "" }',
      "agent.yaml: checks[0] (db).match: Too small: expected string to have >=1 characters",
    ],
    [
      '{ name: db, category: shared_software, kind: process, match: "pg", minCount: 0 }',
      "agent.yaml: checks[0] (db).minCount: Too small: expected number to be >=1",
    ],
  ])("refuses %s", (line, message) => {
    expect(configError(dir.path, [line])).toBe(message);
  });

  it("giamsat-agent check exits 2 for a bad process check, naming the field", async () => {
    const file = writeChecks(
      dir.path,
      ['{ name: db, category: shared_software, kind: process, command: "postgres" }'],
      "bad.yaml",
    );
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^.*bad\.yaml: checks\[0\] \(db\): unknown key "command"\n/);
  });
});

describe("matchingProcesses", () => {
  const postgres: ProcessRecord = {
    pid: 20,
    name: "postgres",
    commandLine: "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main",
  };
  const psql: ProcessRecord = { pid: 21, name: "psql", commandLine: "psql -U postgres" };

  it("matches a piece of the command line, the exact name, or both", () => {
    expect(matchingProcesses([postgres, psql], { match: "postgres" }, 1)).toEqual([postgres, psql]);
    expect(matchingProcesses([postgres, psql], { processName: "postgres" }, 1)).toEqual([postgres]);
    expect(
      matchingProcesses([postgres, psql], { processName: "psql", match: "-U postgres" }, 1),
    ).toEqual([psql]);
  });

  it("never counts the agent itself", () => {
    expect(matchingProcesses([postgres, psql], { match: "postgres" }, 20)).toEqual([psql]);
  });
});

describe("process on this machine", () => {
  it("finds processes by a marker on their command line, with CPU and memory", async () => {
    const marker = `giamsat-process-test-${process.pid}`;
    const one = idler(marker);
    const two = idler(marker);
    const [check, three] = loadChecks(dir.path, [
      `{ name: idlers, category: shared_software, kind: process, match: "${marker}" }`,
      `{ name: three, category: shared_software, kind: process, match: "${marker}", processName: "node", minCount: 3 }`,
    ]);
    if (!check || !three) throw new Error("no check");
    // Give the children a moment to exec, so ps shows their command line rather than the fork.
    await new Promise((r) => setTimeout(r, 300));
    const output = await runLoaded(check);
    expect(output.result).toMatchObject({ up: true });
    expect(sampleValue(output, METRICS.processCount.name)).toBe(2);
    // Two idle node processes: each holds some tens of MiB, and together far less than a core.
    const memory = sampleValue(output, METRICS.processMemory.name) ?? 0;
    expect(memory).toBeGreaterThan(2 * 10 * 2 ** 20);
    expect(memory).toBeLessThan(2 * 500 * 2 ** 20);
    const cpu = sampleValue(output, METRICS.processCpu.name) ?? Number.NaN;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThan(1);
    expect(output.outcome.summary?.count).toBe("2");

    const short = await runLoaded(three);
    expect(short.result).toMatchObject({
      up: false,
      reason: "not_found",
      message: `2 processes named "node" and matching "${marker}", fewer than minCount 3`,
    });

    await Promise.all([stop(one), stop(two)]);
    const gone = await runLoaded(check);
    expect(gone.result).toMatchObject({
      up: false,
      reason: "not_found",
      message: `no process matching "${marker}"`,
    });
    expect(sampleValue(gone, METRICS.processCount.name)).toBe(0);
  });

  it("measures CPU between two runs as the kernel counts it for the process", async () => {
    const marker = `giamsat-spinner-${process.pid}`;
    const busy = spinner(marker);
    const [check] = loadChecks(dir.path, [
      `{ name: spinner, category: shared_software, kind: process, match: "${marker}" }`,
    ]);
    if (!check) throw new Error("no check");
    await new Promise((r) => setTimeout(r, 300));
    // The spinner's own CPU time (/proc/PID/stat utime + stime, in clock ticks of 1/100 s).
    const cpuOf = () => {
      const stat = readFileSync(`/proc/${busy.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const [cpu0, t0] = [cpuOf(), performance.now()];
    await runLoaded(check);
    await new Promise((r) => setTimeout(r, 2000));
    const second = await runLoaded(check);
    const truth = (cpuOf() - cpu0) / ((performance.now() - t0) / 1000);
    // However busy the machine (the spinner gets what the cores leave it), the check says what the
    // kernel counted, within the few ticks between the two readings.
    const cpu = sampleValue(second, METRICS.processCpu.name) ?? Number.NaN;
    expect(truth).toBeGreaterThan(0.05);
    expect(Math.abs(cpu - truth)).toBeLessThan(0.1);
    await stop(busy);
  });

  it("a name that does not exist is down: not_found", async () => {
    const [check] = loadChecks(dir.path, [
      "{ name: ghost, category: shared_software, kind: process, processName: giamsat-no-such-program }",
    ]);
    if (!check) throw new Error("no check");
    const output = await runLoaded(check);
    expect(output.result).toMatchObject({
      up: false,
      reason: "not_found",
      message: 'no process named "giamsat-no-such-program"',
    });
  });
});
