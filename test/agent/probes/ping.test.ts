// The ping kind: config errors naming the field, and real runs of the system ping on loopback.
import { afterAll, describe, expect, it } from "vitest";
import { minimumTimeout } from "../../../shared/config/checks/ping.js";
import { METRICS } from "../../../shared/metrics.js";
import {
  configError,
  loadChecks,
  runLoaded,
  sampleValue,
  writeChecks,
} from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { AGENT_CLI, runCli, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("ping config", () => {
  it("fills defaults from the schema", () => {
    const [check] = loadChecks(dir.path, [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1" }',
    ]);
    expect(check).toEqual({
      name: "gw",
      category: "lan",
      kind: "ping",
      host: "10.0.0.1",
      count: 5,
      packetInterval: 200,
      interval: 60_000,
      timeout: 10_000,
    });
  });

  it.each([
    [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", count: 5, timeout: "2s" }',
      "agent.yaml: checks[0] (gw).timeout: 2s is too short for count 5 × packetInterval 200ms: ping needs at least 2840ms to send them and wait for the last reply (raise timeout, or lower count or packetInterval)",
    ],
    [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", count: 100 }',
      "agent.yaml: checks[0] (gw).timeout: 10s is too short for count 100 × packetInterval 200ms: ping needs at least 22790ms to send them and wait for the last reply (raise timeout, or lower count or packetInterval)",
    ],
    [
      '{ name: gw, category: lan, kind: ping, host: "-f" }',
      'agent.yaml: checks[0] (gw).host: "-f" is not a host name or IP address',
    ],
    [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", count: 0 }',
      "agent.yaml: checks[0] (gw).count: Too small: expected number to be >=1",
    ],
    [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", packetInterval: "1ms" }',
      'agent.yaml: checks[0] (gw).packetInterval: duration "1ms" is out of range 10ms..10s',
    ],
    [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", maxLoss: 20 }',
      "agent.yaml: checks[0] (gw).maxLoss: Too big: expected number to be <=1",
    ],
    ["{ name: gw, category: lan, kind: ping }", "agent.yaml: checks[0] (gw).host: is required"],
  ])("refuses %s", (line, message) => {
    expect(configError(dir.path, [line])).toBe(message);
  });

  it("needs the check's timeout to cover sending every packet and the wait for the last reply", () => {
    expect(minimumTimeout(5, 200)).toBe(2840);
    expect(minimumTimeout(1, 200)).toBe(2000);
    const [check] = loadChecks(dir.path, [
      '{ name: gw, category: lan, kind: ping, host: "10.0.0.1", timeout: "2840ms" }',
    ]);
    expect(check?.timeout).toBe(2840);
  });

  it("giamsat-agent check exits 2 for a bad ping check, naming the field", async () => {
    const file = writeChecks(
      dir.path,
      ["{ name: gw, category: lan, kind: ping, host: 10.0.0.1, count: 500 }"],
      "bad.yaml",
    );
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}: checks[0] (gw).count: Too big: expected number to be <=100\n`,
    );
  });
});

describe("ping on loopback", () => {
  it("127.0.0.1 is up with loss 0 and round-trip times in seconds", async (ctx) => {
    if (!peer("ping")) return ctx.skip();
    const [check] = loadChecks(dir.path, [
      '{ name: self, category: lan, kind: ping, host: "127.0.0.1", count: 3, packetInterval: "50ms" }',
    ]);
    if (!check) throw new Error("no check");
    const output = await runLoaded(check);
    expect(output.result).toMatchObject({ check: "self", up: true });
    expect(sampleValue(output, METRICS.pingLoss.name)).toBe(0);
    const rtt = sampleValue(output, METRICS.pingRtt.name) ?? Number.NaN;
    // Loopback answers within a few milliseconds, never a whole one-second-ish number.
    expect(rtt).toBeGreaterThan(0);
    expect(rtt).toBeLessThan(0.05);
    const min = sampleValue(output, METRICS.pingRttMin.name) ?? Number.NaN;
    const max = sampleValue(output, METRICS.pingRttMax.name) ?? Number.NaN;
    expect(min).toBeLessThanOrEqual(rtt);
    expect(max).toBeGreaterThanOrEqual(rtt);
    expect(sampleValue(output, METRICS.pingJitter.name)).toBeGreaterThanOrEqual(0);
    expect(output.samples[0]?.labels).toEqual({ check: "self", category: "lan", kind: "ping" });
    expect(output.outcome.summary?.loss).toBe("0%");
  });

  it("::1 and the name localhost work too", async (ctx) => {
    if (!peer("ping")) return ctx.skip();
    const checks = loadChecks(dir.path, [
      '{ name: v6, category: lan, kind: ping, host: "::1", count: 2, packetInterval: "50ms" }',
      '{ name: named, category: lan, kind: ping, host: "localhost", count: 2, packetInterval: "50ms" }',
    ]);
    const outputs = await Promise.all(checks.map(runLoaded));
    for (const output of outputs) {
      expect(output.result.up, output.result.message).toBe(true);
      expect(sampleValue(output, METRICS.pingLoss.name)).toBe(0);
    }
  });
});
