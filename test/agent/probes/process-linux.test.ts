// Reading Linux's process table from /proc: captured stat and cmdline files (test/fixtures/proc), and
// the live table, which must hold this very process with its command line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  listProcesses,
  parseCmdline,
  parseProcStat,
  processUsage,
  programName,
} from "../../../agent/probes/process-linux.js";
import { ROOT } from "../../helpers/processes.js";

function fixture(name: string): Buffer {
  return readFileSync(join(ROOT, "test/fixtures/proc", name));
}

describe("/proc parsers", () => {
  it("read stat fields after a name holding spaces and parentheses", () => {
    expect(parseProcStat(fixture("odd-name.stat").toString())).toEqual({
      comm: "sleep) (odd",
      utime: 0,
      stime: 0,
      starttime: 254930,
      rss: 417,
    });
    expect(parseProcStat(fixture("kthreadd.stat").toString())).toMatchObject({
      comm: "kthreadd",
      rss: 0,
    });
    expect(parseProcStat("garbage")).toBeUndefined();
  });

  it("join a command line's arguments and name its program", () => {
    const line = parseCmdline(fixture("odd-name.cmdline"));
    expect(line).toBe("/tmp/pf/sleep) (odd 30");
    expect(programName("/usr/lib/postgresql/15/bin/postgres -D /data")).toBe("postgres");
    expect(programName("postgres: checkpointer ")).toBe("postgres");
    expect(parseCmdline(Buffer.from(""))).toBe("");
  });
});

describe.skipIf(process.platform !== "linux")("the live process table", () => {
  it("holds this process with its command line, CPU time and memory", () => {
    const self = listProcesses().find((p) => p.pid === process.pid);
    expect(self?.commandLine).toContain(process.execPath.split("/").pop());
    const usage = processUsage(process.pid);
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
    // This process's resident memory as the kernel reports it, within a few pages.
    const vmRss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
    expect(Math.abs((usage?.rssBytes ?? 0) - vmRss * 1024)).toBeLessThan(4 * 2 ** 20);
  });
});
