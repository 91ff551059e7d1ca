// The fleet view and giamsat_agent_info with three agents of two versions: two real agent processes
// (this version; one refuses its unit's central checks, whose name its agent.yaml also uses) and an
// older agent's hello from a test client, which applies its checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CENTRAL_CONFIG } from "../../shared/protocol.js";
import { VERSION } from "../../shared/version.js";
import { RawAgent, type TestCollector, testCollector } from "../helpers/collector.js";
import { find, parseExposition } from "../helpers/metrics.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  eventually,
  type Program,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { promtool } from "../helpers/prometheus.js";

let collector: TestCollector;
const dir = tempDir();
const agents: Program[] = [];
let old: RawAgent;

interface FleetRow {
  unit: string;
  agent: string;
  version: string;
  os: string;
  node: string | null;
  connected: boolean;
  central: { state: string; errors: string[] };
  flags: string[];
}

beforeAll(async () => {
  const tcp = (name: string) => ({
    name,
    category: "online_app",
    kind: "tcp",
    host: "127.0.0.1",
    port: 9,
    interval: "30s",
  });
  collector = await testCollector({
    web: { auth: false },
    units: [
      { id: "unit-a", checks: [tcp("portal")] },
      { id: "unit-b", checks: [tcp("mail")] },
    ],
  });
  const url = collector.url;
  agents.push(
    startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(
        dir.path,
        "pc-01",
        url,
        collector.enroll("unit-a", "pc-01"),
        "host: false\n",
      ),
    ]),
    startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(
        dir.path,
        "pc-02",
        url,
        collector.enroll("unit-b", "pc-02"),
        'host: false\nchecks:\n  - { name: mail, category: lan, kind: tcp, host: "127.0.0.1", port: 9 }\n',
      ),
    ]),
  );
  old = new RawAgent(url, collector.enroll("unit-a", "pc-old"));
  await old.opened;
  old.send({
    type: "hello",
    v: 1,
    agentVersion: "0.0.1",
    hostname: "old-host",
    os: "Windows_NT 10.0.19045 x64",
    bootId: "b",
    node: "v20.11.0",
    features: [CENTRAL_CONFIG],
  });
  const config = await old.next((m) => m.type === "config");
  if (config.type !== "config") throw new Error("not a config");
  old.send({ type: "config_result", v: 1, hash: config.hash, state: "applied" });
});
afterAll(async () => {
  old?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await collector?.stop();
  dir.remove();
});

describe("the fleet view", () => {
  it("lists three agents of two versions with their OS, Node.js and central checks' state", async () => {
    const rows = await eventually(async () => {
      const answer = JSON.parse(await (await fetch(`${collector.url}/api/v1/fleet`)).text()) as {
        agents: FleetRow[];
      };
      const states = answer.agents.map((a) => a.central.state);
      return answer.agents.length === 3 && !states.includes("sent") && !states.includes("none")
        ? answer.agents
        : undefined;
    });
    const byName = new Map(rows.map((r) => [r.agent, r]));
    expect(rows.map((r) => [r.unit, r.agent, r.version, r.central.state])).toEqual([
      ["unit-a", "pc-01", VERSION, "applied"],
      ["unit-a", "pc-old", "0.0.1", "applied"],
      ["unit-b", "pc-02", VERSION, "refused"],
    ]);
    expect(byName.get("pc-old")?.flags).toEqual(["older"]);
    expect(byName.get("pc-old")?.os).toBe("Windows_NT 10.0.19045 x64");
    expect(byName.get("pc-01")?.flags).toEqual([]);
    expect(byName.get("pc-01")?.node).toBe(process.version);
    expect(byName.get("pc-02")?.flags).toEqual(["refused"]);
    expect(byName.get("pc-02")?.central.errors).toEqual([
      'central checks: checks[0] (mail): "mail" is also a check of agent.yaml; rename one of them',
    ]);
  });

  it("shows the same on the fleet page, the refusal's reason beside the agent", async () => {
    const page = await (await fetch(`${collector.url}/fleet?lang=en`)).text();
    const row = (agent: string) => {
      const from = page.indexOf(`data-agent="${agent}"`);
      return page.slice(from, page.indexOf("</tr>", from));
    };
    expect(row("pc-old")).toContain("0.0.1 (v20.11.0)");
    expect(row("pc-old")).toContain("older than the collector");
    expect(row("pc-02")).toContain("refused its checks");
    expect(row("pc-02")).toContain("&quot;mail&quot; is also a check of agent.yaml");
    expect(row("pc-01")).toContain(`${VERSION} (${process.version})`);
    expect(row("pc-01")).toContain("applied");
  });

  it("puts giamsat_agent_info with version, os, node and config on /metrics, as promtool reads it", async () => {
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    const info = find(parseExposition(text), "giamsat_agent_info");
    expect(
      info.map((s) => [s.labels.agent, s.labels.version, s.labels.config, s.value]).sort(),
    ).toEqual([
      ["pc-01", VERSION, "applied", 1],
      ["pc-02", VERSION, "refused", 1],
      ["pc-old", "0.0.1", "applied", 1],
    ]);
    expect(find(info, "giamsat_agent_info", { agent: "pc-old" })[0]?.labels).toMatchObject({
      os: "Windows_NT 10.0.19045 x64",
      node: "v20.11.0",
    });
    const tool = peer("promtool");
    if (tool) expect(promtool(tool, ["check", "metrics"], text)).toEqual({ status: 0, output: "" });
  });
});
