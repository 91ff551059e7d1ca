// The ping kind against addresses in a network namespace this test creates: silence, unreachable
// hosts, and loss made by an nftables rule, measured as the rule made it.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pingProbe } from "../../../agent/probes/ping.js";
import { silentLogger } from "../../../shared/log.js";
import { METRICS } from "../../../shared/metrics.js";
import { loadChecks, runLoaded, sampleValue, writeChecks } from "../../helpers/checks.js";
import { createNetns, type TestNetns } from "../../helpers/netns.js";
import { peer } from "../../helpers/peers.js";
import { AGENT_CLI, tempDir } from "../../helpers/processes.js";

const ping = peer("ping");
const ip = peer("ip");
const nft = peer("nft");
const dir = tempDir();
let netns: TestNetns | undefined;

beforeAll(() => {
  if (ping && ip) netns = createNetns(ip, "p");
});
afterAll(() => {
  netns?.remove();
  dir.remove();
});

/** PIDs of `ping` processes this test process started and that still run. */
function pingChildren(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...
      const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (match?.[1] === "ping" && Number(match[2]) === process.pid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

function check(line: string) {
  const [loaded] = loadChecks(dir.path, [line]);
  if (!loaded) throw new Error("no check");
  return loaded;
}

describe("ping through a test namespace", () => {
  it("an address nobody answers is down: timeout, loss 1, and ping ended within the check", async (ctx) => {
    if (!netns) return ctx.skip();
    const started = performance.now();
    const output = await runLoaded(
      check(
        `{ name: void, category: lan, kind: ping, host: "${netns.blackholeAddress}", timeout: "3s" }`,
      ),
    );
    // The probe's own verdict, not the scheduler's "no answer within 3000 ms": ping ended in time.
    expect(output.result).toMatchObject({
      up: false,
      reason: "timeout",
      message: "no reply to 5 packets",
    });
    expect(sampleValue(output, METRICS.pingLoss.name)).toBe(1);
    expect(sampleValue(output, METRICS.pingRtt.name)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(pingChildren()).toEqual([]);
  });

  it("an address on the link that nobody holds is unreachable", async (ctx) => {
    if (!netns) return ctx.skip();
    const output = await runLoaded(
      check(
        `{ name: gone, category: lan, kind: ping, host: "${netns.vacantAddress}", count: 3, timeout: "6s" }`,
      ),
    );
    expect(output.result).toMatchObject({
      up: false,
      reason: "unreachable",
      message: `Destination Host Unreachable from ${netns.hostAddress}`,
    });
    expect(sampleValue(output, METRICS.pingLoss.name)).toBe(1);
  });

  it("a stopped run leaves no ping behind once the check's timeout has passed", async (ctx) => {
    if (!netns) return ctx.skip();
    const controller = new AbortController();
    const stopped = check(
      `{ name: stop, category: lan, kind: ping, host: "${netns.blackholeAddress}", count: 3, timeout: "3s" }`,
    );
    const started = performance.now();
    const run = pingProbe.run(stopped as Parameters<typeof pingProbe.run>[0], {
      signal: controller.signal,
      log: silentLogger(),
      inventoryDue: false,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(pingChildren()).toHaveLength(1);
    controller.abort();
    await run;
    expect(performance.now() - started).toBeLessThan(3000);
    expect(pingChildren()).toEqual([]);
  });

  it("measures the loss an nftables rule makes, within sampling error of the configured share", async (ctx) => {
    if (!netns || !nft) return ctx.skip();
    const table = `giamsat_${process.pid}`;
    const dropShare = 0.3;
    const runs = 2;
    const packets = 100; // the most one check sends; two runs make 200
    netns.exec(
      [nft, "-f", "-"],
      `table inet ${table} {
        chain input {
          type filter hook input priority 0; policy accept;
          icmp type echo-request numgen random mod 100 < ${dropShare * 100} counter drop
        }
      }\n`,
    );
    try {
      const lossy = check(
        `{ name: lossy, category: lan, kind: ping, host: "${netns.nsAddress}", count: ${packets}, packetInterval: "10ms", timeout: "10s" }`,
      );
      const losses: number[] = [];
      for (let i = 0; i < runs; i++) {
        const output = await runLoaded(lossy);
        expect(output.result.up, output.result.message).toBe(true);
        losses.push(sampleValue(output, METRICS.pingLoss.name) ?? Number.NaN);
      }
      const loss = losses.reduce((a, b) => a + b, 0) / runs;
      // Binomial sampling error of the share of 200 packets each dropped with probability 0.3.
      const sigma = Math.sqrt((dropShare * (1 - dropShare)) / (runs * packets));
      expect(Math.abs(loss - dropShare)).toBeLessThanOrEqual(4 * sigma);
      // And exactly what the rule dropped: nothing else loses packets on a veth link.
      const ruleset = netns.exec([nft, "list", "table", "inet", table]);
      const dropped = Number(/counter packets (\d+)/.exec(ruleset)?.[1]);
      expect(loss).toBeCloseTo(dropped / (runs * packets), 10);
    } finally {
      netns.exec([nft, "delete", "table", "inet", table]);
    }
  });
});

describe("giamsat-agent check inside the namespace", () => {
  it("reports a name that cannot be looked up as dns and an unrouted address as unreachable", async (ctx) => {
    if (!netns || !ip) return ctx.skip();
    // The namespace has no route off its link, so neither the lookup nor the ping leaves it.
    const file = writeChecks(
      dir.path,
      [
        '{ name: resolver, category: lan, kind: ping, host: "no-such-host.invalid" }',
        '{ name: nowhere, category: lan, kind: ping, host: "198.51.100.7" }',
        '{ name: here, category: lan, kind: ping, host: "127.0.0.1", count: 2 }',
      ],
      "netns.yaml",
    );
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = execFile(
        ip,
        [
          "netns",
          "exec",
          netns?.name ?? "",
          process.execPath,
          AGENT_CLI,
          "check",
          "--config",
          file,
        ],
        (error, out) => done({ code: error ? (error.code as number) : 0, stdout: out }),
      );
      child.stdin?.end();
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^resolver\s+lan\s+ping\s+DOWN\s+dns: .*no-such-host\.invalid/m);
    expect(stdout).toMatch(
      /^nowhere\s+lan\s+ping\s+DOWN\s+unreachable: ping: connect: Network is unreachable/m,
    );
    expect(stdout).toMatch(/^here\s+lan\s+ping\s+up\s+\d+ ms\s+rtt=[\d.]+ ms loss=0%$/m);
    expect(stdout).toMatch(/3 checks, 2 down/);
  });
});
