// A revoked agent leaves /metrics at once, as the operators' docs promise: its series (its checks'
// latest values included) go within a second of `revoke`, whether it is connected or not, and do
// not come back when the collector restarts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExposition } from "../../helpers/metrics.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";

const dir = tempDir();
let collector: CollectorProcess;
const programs: Program[] = [];

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path);
  programs.push(collector.program);
});
afterAll(async () => {
  for (const program of programs) await program.stop("SIGKILL");
  dir.remove();
});

const CHECKS = (port: string) =>
  `checks:\n  - { name: collector-port, category: datacenter, kind: tcp, host: "127.0.0.1", port: ${port}, interval: "1s" }\n`;

async function seriesOf(url: string, agent: string): Promise<string[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return parseExposition(text)
    .filter((s) => s.labels.agent === agent)
    .map((s) => s.name);
}

async function runAgent(name: string): Promise<Program> {
  const token = await collector.enroll("so-tttt", name);
  const port = new URL(collector.url).port;
  const config = writeAgentConfig(dir.path, name, collector.url, token, CHECKS(port));
  const agent = startProgram(AGENT_CLI, ["run", "--config", config]);
  programs.push(agent);
  await eventually(
    async () =>
      (await seriesOf(collector.url, name)).includes("giamsat_check_up") ? true : undefined,
    20_000,
    `${name}'s check on /metrics`,
  );
  return agent;
}

describe("a revoked agent on /metrics", () => {
  it("loses every series at once while connected", async () => {
    await runAgent("pc-connected");
    await collector.revoke("so-tttt", "pc-connected");
    const left = await eventually(
      async () => {
        const names = await seriesOf(collector.url, "pc-connected");
        return names.length === 0 ? names : undefined;
      },
      3000,
      "pc-connected gone from /metrics",
    ).catch(async () => seriesOf(collector.url, "pc-connected"));
    expect(left).toEqual([]);
  });

  it("loses every series at once when it was not connected, and they stay gone after a restart", async () => {
    const agent = await runAgent("pc-offline");
    await agent.stop();
    expect(await seriesOf(collector.url, "pc-offline")).toContain("giamsat_check_up");
    await collector.revoke("so-tttt", "pc-offline");
    const left = await eventually(
      async () => {
        const names = await seriesOf(collector.url, "pc-offline");
        return names.length === 0 ? names : undefined;
      },
      3000,
      "pc-offline gone from /metrics",
    ).catch(async () => seriesOf(collector.url, "pc-offline"));
    expect(left).toEqual([]);

    await collector.program.stop();
    const again = await attachCollector(dir.path, collector.configFile);
    programs.push(again.program);
    expect(await seriesOf(again.url, "pc-offline")).toEqual([]);
    expect(await seriesOf(again.url, "pc-connected")).toEqual([]);
  });
});
