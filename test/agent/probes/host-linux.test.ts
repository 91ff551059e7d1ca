// The host probe's /proc readings: parsers against fixtures, and live figures against df.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  busyRatio,
  filesystems,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
} from "../../../agent/probes/host-linux.js";
import { ROOT } from "../../helpers/processes.js";

const fixture = (name: string) => readFileSync(join(ROOT, "test/fixtures/host", name), "utf8");

describe("host readings on Linux", () => {
  it("keeps real filesystems once each, with escaped spaces decoded", () => {
    const mounts = parseMounts(fixture("proc-mounts.txt"));
    expect(mounts.map((m) => m.mount)).toEqual(
      expect.arrayContaining(["/", "/srv/My Files", "/mnt/nfs"]),
    );
    expect(
      mounts.some((m) => ["proc", "sysfs", "tmpfs", "devpts", "cgroup2"].includes(m.fstype)),
    ).toBe(false);
    // /dev/vda is mounted at / first; the bind mount of the same device is not counted again.
    expect(mounts.filter((m) => m.device === "/dev/vda")).toEqual([
      { device: "/dev/vda", mount: "/", fstype: "ext4" },
    ]);
  });

  it("reads byte counters per interface from /proc/net/dev", () => {
    const counters = parseNetDev(fixture("proc-net-dev.txt"));
    const lo = counters.find((c) => c.iface === "lo");
    expect(lo?.rxBytes).toBeGreaterThan(0);
    expect(lo?.txBytes).toBe(lo?.rxBytes); // loopback sends what it receives
    expect(counters.every((c) => Number.isInteger(c.rxBytes) && Number.isInteger(c.txBytes))).toBe(
      true,
    );
  });

  it("computes the busy share between two /proc/stat readings, iowait counted as idle", () => {
    const before = parseProcStat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3");
    const after = parseProcStat("cpu  160 0 70 880 90 0 0 0 0 0\n");
    expect(before).toEqual({ busy: 150, total: 1000 });
    // 80 of the 200 ticks in between were busy.
    expect(busyRatio(before ?? { busy: 0, total: 0 }, after ?? { busy: 0, total: 0 })).toBe(0.4);
    expect(parseProcStat("intr 1 2 3")).toBeUndefined();
  });

  it("reads total and available memory from /proc/meminfo", () => {
    expect(
      parseMeminfo("MemTotal:       24683620 kB\nMemFree:  100 kB\nMemAvailable:   24273852 kB\n"),
    ).toEqual({
      total: 24683620 * 1024,
      available: 24273852 * 1024,
    });
  });

  it.runIf(process.platform === "linux")("agrees with df on the size and use of /", async () => {
    const root = (await filesystems()).find((f) => f.mount === "/");
    const [size, used] =
      execFileSync("df", ["--output=size,used", "-B1", "/"], { encoding: "utf8" })
        .trim()
        .split("\n")[1]
        ?.trim()
        .split(/\s+/)
        .map(Number) ?? [];
    expect(root?.size).toBe(size);
    // Files change between the two readings; a megabyte covers this test run's own writes.
    expect(Math.abs((root?.used ?? 0) - (used ?? 0))).toBeLessThan(2 ** 20);
  });
});
