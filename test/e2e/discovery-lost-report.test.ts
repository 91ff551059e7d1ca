// A discovery run whose report falls in a disconnection, as the product runs: a real agent sweeps
// a LAN of network namespaces while its collector is stopped; the run ends meanwhile, and once the
// collector is back the agent sends the report again, so the run reads done with what it found
// instead of "running" for good. An agent that comes back without the run (it was restarted) has
// the run failed on the collector, saying so.
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectorMessage } from "../../shared/protocol.js";
import { RawAgent } from "../helpers/collector.js";
import { createLan, type TestLan } from "../helpers/lan.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  eventually,
  fetchText,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { Browser } from "../helpers/web.js";

const ip = peer("ip");
const dir = tempDir();
let lan: TestLan | undefined;
let collector: CollectorProcess | undefined;
let agent: Program | undefined;
let unitYaml = "";

beforeAll(async () => {
  if (!ip) return;
  lan = createLan(ip, 1, "r");
  unitYaml = `web: { auth: false }
units:
  - id: so-tttt
    discovery: { networks: ["${lan.network}"], rate: 100, concurrency: 8 }
  - id: quan-hai-chau
    discovery: { networks: ["10.20.1.0/24"] }
`;
  collector = await startCollectorProcess(dir.path, unitYaml);
  // The collector comes back on the same port, where the agent looks for it.
  writeFileSync(
    collector.configFile,
    `listen: "127.0.0.1:${new URL(collector.url).port}"\ndatabase: "./collector.db"\n${unitYaml}`,
  );
  const token = await collector.enroll("so-tttt", "pc-01");
  const file = writeAgentConfig(
    dir.path,
    "pc-01",
    collector.url,
    token,
    "host: false\nchecks: []\n",
  );
  agent = startProgram(AGENT_CLI, ["run", "--config", file], {}, { cwd: dir.path });
  await collector.program.waitForLog((l) => l.msg === "agent said hello");
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await collector?.program.stop();
  lan?.remove();
  dir.remove();
});

interface View {
  id: number;
  state: string;
  error?: string;
  devices: { address: string }[];
}

async function view(unit: string): Promise<View> {
  return JSON.parse((await fetchText(`${collector?.url}/api/v1/units/${unit}/discovery`)).text);
}

async function start(unit: string): Promise<number> {
  // web.auth is off: the local user may discover, with the page's CSRF token as every POST.
  const browser = new Browser(collector?.url ?? "");
  const csrf = await browser.csrf(`/units/${unit}`);
  const answer = await browser.postJson(`/api/v1/units/${unit}/discovery`, {}, csrf);
  expect(answer.status).toBe(202);
  return (JSON.parse(answer.text) as { id: number }).id;
}

describe("a discovery report lost in a disconnection", () => {
  it("is sent again by the agent once the collector is back: the run reads done", async (ctx) => {
    if (!lan || !collector || !agent) return ctx.skip("ip is not installed");
    const id = await start("so-tttt");
    await agent.waitForLog((l) => l.msg === "discovery started" && l.id === id);
    await collector.program.stop();
    // The run ends while nobody listens.
    await agent.waitForLog((l) => l.msg === "discovery done" && l.id === id, 60_000);
    collector = await attachCollector(dir.path, collector.configFile);
    const done = await eventually(
      async () => {
        const answer = await view("so-tttt");
        return answer.state === "running" ? undefined : answer;
      },
      60_000,
      "the run no longer running",
    );
    expect(done).toMatchObject({ id, state: "done" });
    // The agent's own machine and the device.
    expect(done.devices.map((d) => d.address)).toEqual([lan.agentAddress, lan.devices[0]?.address]);
  }, 120_000);

  it("fails the run of an agent that comes back without it, saying why", async (ctx) => {
    if (!collector) return ctx.skip("ip is not installed");
    const token = await collector.enroll("quan-hai-chau", "pc-01");
    const first = new RawAgent(collector.url, token);
    await first.hello(["discovery"]);
    const id = await start("quan-hai-chau");
    await first.next((m: CollectorMessage) => m.type === "discover");
    first.close();
    await first.closed;
    // The same agent, restarted: it knows nothing of the run and sends no report.
    const again = new RawAgent(collector.url, token);
    await again.hello(["discovery"]);
    try {
      const failed = await eventually(
        async () => {
          const answer = await view("quan-hai-chau");
          return answer.state === "running" ? undefined : answer;
        },
        30_000,
        "the run no longer running",
      );
      expect(failed).toMatchObject({
        id,
        state: "failed",
        error:
          "the agent reconnected without this run (it was restarted while running it); start it again",
      });
    } finally {
      again.close();
    }
  }, 60_000);
});
