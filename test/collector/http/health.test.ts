// /healthz tells the truth about storage: a real collector process with its database on a small
// tmpfs the test mounts (and unmounts, also on failure) answers 503 naming the problem while its
// free space is under health.minFreeMegabytes or its last write failed, and 200 again once writes
// succeed; free space and failed writes are on /metrics.
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  openSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, RawAgent } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import { findBinary } from "../../helpers/peers.js";
import {
  attachCollector,
  type CollectorProcess,
  eventually,
  TWO_UNITS,
  tempDir,
} from "../../helpers/processes.js";

const MiB = 1024 * 1024;
const dir = tempDir();
const disk = join(dir.path, "disk");
let mounted = false;
let collector: CollectorProcess | undefined;

/** Mounts a tmpfs of `megabytes` on `path`; false where this process may not mount. */
function mountTmpfs(path: string, megabytes: number): boolean {
  const mount = findBinary("mount");
  try {
    if (!mount) throw new Error("no mount binary");
    execFileSync(mount, ["-t", "tmpfs", "-o", `size=${megabytes}m,mode=0700`, "tmpfs", path], {
      stdio: "pipe",
    });
    return true;
  } catch (error) {
    if (process.env.CI === "true") {
      throw new Error(`mounting a tmpfs is required for this test under CI=true: ${error}`);
    }
    return false;
  }
}

/** Fills the filesystem until `leaveBytes` remain free (0: until it is full). */
function fill(file: string, leaveBytes: number): void {
  const fd = openSync(file, "a");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      const stats = statfsSync(disk);
      const free = stats.bavail * stats.bsize;
      if (free <= leaveBytes) return;
      writeSync(fd, chunk, 0, Math.min(chunk.length, Math.max(4096, free - leaveBytes)));
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  mkdirSync(disk);
  mounted = mountTmpfs(disk, 24);
  if (!mounted) return;
  const config = join(dir.path, "collector.yaml");
  writeFileSync(
    config,
    `listen: "127.0.0.1:0"\ndatabase: "./disk/collector.db"\nhealth: { minFreeMegabytes: 4 }\n${TWO_UNITS}`,
  );
  collector = await attachCollector(dir.path, config);
});

afterAll(async () => {
  await collector?.program.stop("SIGKILL");
  if (mounted) execFileSync(findBinary("umount") ?? "umount", ["-l", disk]);
  dir.remove();
});

async function health(): Promise<{ status: number; text: string }> {
  const response = await fetch(`${collector?.url}/healthz`);
  return { status: response.status, text: await response.text() };
}

describe("/healthz and storage", () => {
  it("is healthy with room to write, and says how much room there is on /metrics", async (ctx) => {
    if (!collector) return ctx.skip();
    expect(await health()).toEqual({ status: 200, text: "ok\n" });
    const metrics = await scrape(collector.url);
    const avail = find(metrics, "giamsat_collector_filesystem_avail_bytes")[0]?.value ?? 0;
    expect(avail).toBeGreaterThan(10 * MiB);
    expect(avail).toBeLessThanOrEqual(24 * MiB);
    expect(find(metrics, "giamsat_collector_failed_writes_total")[0]?.value).toBe(0);
  });

  it("answers 503 while free space is under the floor, naming it", async (ctx) => {
    if (!collector) return ctx.skip();
    const filler = join(disk, "filler");
    fill(filler, 2 * MiB);
    const answer = await eventually(async () => {
      const now = await health();
      return now.status === 503 ? now : undefined;
    }, 5000);
    expect(answer.text).toMatch(
      /^unhealthy: \d\.\d MiB free on the database's filesystem, under health\.minFreeMegabytes \(4 MiB\)\n$/,
    );
    rmSync(filler);
    expect(await eventually(async () => ((await health()).status === 200 ? true : undefined))).toBe(
      true,
    );
  });

  it("answers 503 after a write failed on a full disk, and 200 once a write succeeds again", async (ctx) => {
    if (!collector) return ctx.skip();
    const token = await collector.enroll("so-tttt", "pc-01");
    const agent = new RawAgent(collector.url, token);
    await agent.hello();
    agent.send(batch(1, Date.now()));
    await agent.next((m) => m.type === "ack");

    const filler = join(disk, "filler");
    fill(filler, 0);
    // Many batches of new series, so the write needs pages the disk no longer has.
    for (let seq = 2; seq < 40 && agent.closeCode === undefined; seq++) {
      agent.send(
        batch(seq, Date.now(), {
          samples: Array.from({ length: 2000 }, (_, i) => ({
            metric: "giamsat_snmp_interface_up",
            labels: { check: "sw", category: "lan", kind: "snmp", interface: `ge-${seq}-${i}` },
            ts: Date.now(),
            value: 1,
          })),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await agent.closed).toBe(1011);
    expect(agent.messages.find((m) => m.type === "error")).toMatchObject({ code: "internal" });
    const answer = await health();
    expect(answer.status).toBe(503);
    expect(answer.text).toContain("unhealthy: the last write failed at ");
    expect(answer.text).toMatch(/database or disk is full/);
    const failed = find(await scrape(collector.url), "giamsat_collector_failed_writes_total");
    expect(failed[0]?.value).toBeGreaterThan(0);

    rmSync(filler);
    const again = new RawAgent(collector.url, token);
    await again.hello();
    const welcome = again.messages.find((m) => m.type === "welcome");
    const next = (welcome as { lastSeq: number }).lastSeq + 1;
    again.send(batch(next, Date.now()));
    expect(await again.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: next });
    expect(await health()).toEqual({ status: 200, text: "ok\n" });
    again.close();
  });
});
