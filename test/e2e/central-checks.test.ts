// Central checks from the collector to a running agent, as the product runs: a collector process
// whose collector.yaml gives the unit a check, an agent process whose agent.yaml lists none, the
// JSON API changing the unit's checks, SIGHUP on the collector, a refused set, and the agent
// restarted while the collector is stopped.

import { readFileSync, writeFileSync } from "node:fs";
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
let agent: Program | undefined;
let agentFile = "";
let operator: Browser;
let csrf = "";

/** collector.yaml's unit with one central check: the minimal form, on a local web server. */
const unitYaml = (extra = "") => `units:
  - id: so-tttt
    checks:
      - { name: portal, category: website, kind: http, url: "http://127.0.0.1:${webPort}/", interval: "1s" }
${extra}  - id: quan-hai-chau
`;

/** The names of the checks `giamsat-agent status` lists, each with "(central)" when sent. */
async function statusChecks(): Promise<string> {
  const result = await runCli(AGENT_CLI, ["status", "--config", agentFile]);
  return result.stdout;
}

/** The checks of so-tttt with a sample on /metrics. */
async function checksOnMetrics(): Promise<Set<string>> {
  const text = await (await fetch(`${collector?.url}/metrics`)).text();
  const found = new Set<string>();
  for (const line of text.split("\n")) {
    const match = /^giamsat_check_up\{[^}]*check="([^"]+)"/.exec(line);
    if (match && line.includes('unit="so-tttt"')) found.add(match[1] as string);
  }
  return found;
}

async function putChecks(checks: unknown[]) {
  return operator.request(
    "PUT",
    "/api/v1/units/so-tttt/central-checks",
    JSON.stringify({ checks }),
    { "Content-Type": "application/json", "X-CSRF-Token": csrf },
  );
}

async function fleetAgent() {
  const answer = await operator.get("/api/v1/fleet");
  const agents = JSON.parse(answer.text).agents as {
    agent: string;
    central: { state: string; errors: string[]; hash: string; appliedHash: string | null };
    flags: string[];
  }[];
  return agents.find((a) => a.agent === "pc-01");
}

beforeAll(async () => {
  web = createServer((_, response) => response.end("ok"));
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webPort = (web.address() as AddressInfo).port;
  collector = await startCollectorProcess(dir.path, unitYaml());
  await addUsers(join(dir.path, "collector.db"), [{ name: "operator", role: "operator" }]);
  operator = new Browser(collector.url);
  expect((await operator.login("operator", PASSWORD)).status).toBe(303);
  csrf = await operator.csrf();
  const token = await collector.enroll("so-tttt", "pc-01");
  // An agent.yaml with no checks (and no host section): it runs what the collector sends.
  agentFile = writeAgentConfig(dir.path, "pc-01", collector.url, token, "host: false\n");
  agent = startProgram(AGENT_CLI, ["run", "--config", agentFile]);
});
afterAll(async () => {
  await agent?.stop();
  await collector?.program.stop();
  await new Promise((resolve) => web.close(resolve));
  dir.remove();
});

describe("central checks", () => {
  it("runs collector.yaml's check on an agent whose agent.yaml has none", async () => {
    await eventually(async () => ((await checksOnMetrics()).has("portal") ? true : undefined));
    expect(await statusChecks()).toContain("portal (central)");
    expect((await fleetAgent())?.central.state).toBe("applied");
  });

  it("gets a check added through the API to the running agent within its interval", async () => {
    const pid = agent?.child.pid;
    const added = await putChecks([
      {
        name: "web-tcp",
        category: "online_app",
        kind: "tcp",
        host: "127.0.0.1",
        port: webPort,
        interval: "10s",
      },
    ]);
    expect(added.status).toBe(200);
    const sentAt = Date.now();
    await eventually(
      async () => ((await checksOnMetrics()).has("web-tcp") ? true : undefined),
      10_000 + 2_000, // one interval, and the link's one-second linger
      "web-tcp on /metrics",
    );
    expect(Date.now() - sentAt).toBeLessThan(12_000);
    expect(agent?.child.pid).toBe(pid);
    expect(agent?.child.exitCode).toBeNull();
  });

  it("keeps the running checks when the agent refuses a set, and the fleet view says why", async () => {
    const before = await fleetAgent();
    // The collector judges each check's fields as the agent does; a CA file the agent's machine
    // does not have is for the agent alone to find.
    const refused = await putChecks([
      {
        name: "web-tcp",
        category: "online_app",
        kind: "tcp",
        host: "127.0.0.1",
        port: webPort,
        interval: "10s",
      },
      {
        name: "no-ca",
        category: "online_app",
        kind: "tls",
        host: "127.0.0.1",
        ca: "no-such-ca.pem",
      },
    ]);
    expect(refused.status).toBe(200);
    const flagged = await eventually(async () => {
      const row = await fleetAgent();
      return row?.central.state === "refused" ? row : undefined;
    });
    expect(flagged.flags).toContain("refused");
    expect(flagged.central.errors.join("\n")).toMatch(
      /checks\[\d\] \(no-ca\)\.ca: cannot read "no-such-ca\.pem" \(no such file\)/,
    );
    expect(flagged.central.appliedHash).toBe(before?.central.hash);
    const status = await statusChecks();
    expect(status).toContain("web-tcp (central)");
    expect(status).not.toContain("no-ca");
    // Still running: its last run keeps moving.
    const runs = await eventually(async () => {
      const text = await statusChecks();
      return /portal \(central\)[^\n]*\b[0-2]s ago/.test(text) ? text : undefined;
    });
    expect(runs).toContain("portal (central)");
  });

  it("takes a check added to collector.yaml at SIGHUP, without restarting the agent", async () => {
    const pid = agent?.child.pid;
    writeFileSync(
      join(dir.path, "collector.yaml"),
      `listen: "127.0.0.1:${new URL(collector?.url ?? "").port}"\ndatabase: "./collector.db"\n${unitYaml(
        `      - { name: portal-tcp, category: website, kind: tcp, host: "127.0.0.1", port: ${webPort}, interval: "1s" }\n`,
      )}`,
    );
    // The refused set is replaced by a good one, so the agent applies both sources' checks.
    expect((await putChecks([])).status).toBe(200);
    process.kill(collector?.program.child.pid as number, "SIGHUP");
    await eventually(async () => ((await checksOnMetrics()).has("portal-tcp") ? true : undefined));
    expect(agent?.child.pid).toBe(pid);
    expect((await fleetAgent())?.central.state).toBe("applied");
  });

  it("keeps the running checks at a SIGHUP whose collector.yaml has a bad field, saying which", async () => {
    const before = await fleetAgent();
    writeFileSync(
      join(dir.path, "collector.yaml"),
      `listen: "127.0.0.1:${new URL(collector?.url ?? "").port}"\ndatabase: "./collector.db"\n${unitYaml(
        `      - { name: portal-tcp, category: website, kind: tcp, host: "127.0.0.1", port: 0 }\n`,
      )}`,
    );
    process.kill(collector?.program.child.pid as number, "SIGHUP");
    const logged = await collector?.program.waitForLog((l) =>
      String(l.msg).startsWith("SIGHUP: units not reloaded"),
    );
    expect(String(logged?.err)).toContain(
      "collector.yaml: units[0].checks[1] (portal-tcp).port: must be a port number (1-65535)",
    );
    const after = await fleetAgent();
    expect(after?.central.hash).toBe(before?.central.hash);
    expect(after?.central.state).toBe("applied");
  });

  it("runs its last good central checks when restarted while the collector is stopped", async () => {
    await collector?.program.stop();
    await agent?.stop();
    const kept = JSON.parse(
      readFileSync(join(dir.path, "pc-01-buffer.central-checks.json"), "utf8"),
    );
    expect(kept.checks.map((c: { name: string }) => c.name)).toEqual(["portal", "portal-tcp"]);
    agent = startProgram(AGENT_CLI, ["run", "--config", agentFile]);
    await agent.waitForLog(
      (l) => l.msg === "running the last central checks until the collector sends its own",
    );
    const status = await eventually(async () => {
      const text = await statusChecks();
      return /portal-tcp \(central\)\s+tcp\s+up/.test(text) ? text : undefined;
    });
    expect(status).toMatch(/portal \(central\)\s+http\s+up/);
  });
});
