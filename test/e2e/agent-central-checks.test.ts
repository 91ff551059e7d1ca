// Checks of one agent, as the product runs: a collector process whose collector.yaml gives an
// agent not enrolled yet a check of its own, two agent processes of the same unit whose agent.yaml
// lists no checks, and the JSON API giving the other agent one. Each runs its unit's check and its
// own, and never the other's.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { addUsers, Browser, PASSWORD } from "../helpers/web.js";

const dir = tempDir();
let web: Server;
let webPort = 0;
let collector: CollectorProcess | undefined;
const agents = new Map<string, { program: Program; file: string }>();
let operator: Browser;

/** The unit's check for every agent, and one for pc-02 alone, which enrolls after the start. */
const unitYaml = () => `units:
  - id: so-tttt
    checks:
      - { name: portal, category: website, kind: http, url: "http://127.0.0.1:${webPort}/", interval: "1s" }
    agents:
      pc-02:
        checks:
          - { name: counter-tcp, category: online_app, kind: tcp, host: "127.0.0.1", port: ${webPort}, interval: "1s" }
`;

/** The checks of each agent of so-tttt with a sample on /metrics, as "agent/check". */
async function checksOnMetrics(): Promise<Set<string>> {
  const text = await (await fetch(`${collector?.url}/metrics`)).text();
  const found = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("giamsat_check_up{") || !line.includes('unit="so-tttt"')) continue;
    const agent = /agent="([^"]+)"/.exec(line)?.[1];
    const check = /check="([^"]+)"/.exec(line)?.[1];
    if (agent && check) found.add(`${agent}/${check}`);
  }
  return found;
}

type FleetRow = { agent: string; central: { checks: number; own: number; state: string } };

async function startAgent(name: string): Promise<void> {
  const token = await collector?.enroll("so-tttt", name);
  const file = writeAgentConfig(dir.path, name, collector?.url ?? "", token ?? "", "host: false\n");
  agents.set(name, { program: startProgram(AGENT_CLI, ["run", "--config", file]), file });
}

beforeAll(async () => {
  web = createServer((_, response) => response.end("ok"));
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webPort = (web.address() as AddressInfo).port;
  collector = await startCollectorProcess(dir.path, unitYaml());
  await addUsers(join(dir.path, "collector.db"), [{ name: "operator", role: "operator" }]);
  operator = new Browser(collector.url);
  expect((await operator.login("operator", PASSWORD)).status).toBe(303);
  await startAgent("pc-01");
  await startAgent("pc-02");
});
afterAll(async () => {
  for (const { program } of agents.values()) await program.stop();
  await collector?.program.stop();
  await new Promise((resolve) => web.close(resolve));
  dir.remove();
});

describe("central checks of one agent", () => {
  it("runs collector.yaml's check of an agent named before it enrolled on that agent alone", async () => {
    await eventually(async () => {
      const found = await checksOnMetrics();
      const all = ["pc-01/portal", "pc-02/portal", "pc-02/counter-tcp"];
      return all.every((name) => found.has(name)) ? true : undefined;
    });
    expect(await checksOnMetrics()).not.toContain("pc-01/counter-tcp");
    const status = await runCli(AGENT_CLI, ["status", "--config", agents.get("pc-02")?.file ?? ""]);
    expect(status.stdout).toContain("counter-tcp (central)");
  });

  it("gets an agent's check added through the API to it within its interval, not to the other", async () => {
    const pid = agents.get("pc-01")?.program.child.pid;
    const added = await operator.request(
      "PUT",
      "/api/v1/units/so-tttt/agents/pc-01/central-checks",
      JSON.stringify({
        checks: [
          {
            name: "pc01-tcp",
            category: "online_app",
            kind: "tcp",
            host: "127.0.0.1",
            port: webPort,
            interval: "10s",
          },
        ],
      }),
      { "Content-Type": "application/json", "X-CSRF-Token": await operator.csrf() },
    );
    expect(added.status).toBe(200);
    const sentAt = Date.now();
    await eventually(
      async () => ((await checksOnMetrics()).has("pc-01/pc01-tcp") ? true : undefined),
      10_000 + 2_000, // one interval, and the link's one-second linger
      "pc-01/pc01-tcp on /metrics",
    );
    expect(Date.now() - sentAt).toBeLessThan(12_000);
    expect(agents.get("pc-01")?.program.child.pid).toBe(pid);
    const found = await checksOnMetrics();
    expect(found).not.toContain("pc-02/pc01-tcp");
    expect(found).toContain("pc-02/counter-tcp");
    const counts = await eventually(async () => {
      const rows = JSON.parse((await operator.get("/api/v1/fleet")).text).agents as FleetRow[];
      return rows.every((a) => a.central.state === "applied") ? rows : undefined;
    });
    expect(counts.map((a) => [a.agent, a.central.checks, a.central.own])).toEqual([
      ["pc-01", 2, 1],
      ["pc-02", 2, 1],
    ]);
    // The page shows the same counts.
    const page = await operator.get("/fleet?lang=en");
    expect(page.text).toContain("2 checks, 1 its own");
  });
});
