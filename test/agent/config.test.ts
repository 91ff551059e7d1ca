// agent.yaml validation: every mistake gives one line naming the file and the field, and exit code 2.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config.js";
import { ConfigError } from "../../shared/errors.js";
import { AGENT_CLI, runCli, tempDir } from "../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const BASE = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\n`;

function write(name: string, body: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, body);
  return file;
}

function errorOf(body: string, env: NodeJS.ProcessEnv = {}): string {
  const file = write("agent.yaml", body);
  try {
    loadAgentConfig(file, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replaceAll(file, "agent.yaml");
  }
  throw new Error("config was accepted");
}

describe("agent.yaml", () => {
  it("fills defaults from the schema and adds the host check", () => {
    const config = loadAgentConfig(write("ok.yaml", BASE));
    expect(config.buffer.maxMegabytes).toBe(256);
    expect(config.buffer.path).toBe(join(dir.path, "data/agent-buffer.db"));
    expect(config.checks).toEqual([
      {
        name: "host",
        category: "equipment",
        kind: "host",
        interval: 60_000,
        timeout: 10_000,
        inventoryInterval: 86_400_000,
      },
    ]);
  });

  it("substitutes environment variables and names a missing one", () => {
    const body = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "\${GIAMSAT_TOKEN}"\n`;
    const config = loadAgentConfig(write("env.yaml", body), {
      GIAMSAT_TOKEN: "gsat_from-the-environment",
    });
    expect(config.token).toBe("gsat_from-the-environment");
    expect(errorOf(body)).toBe("agent.yaml: token: environment variable GIAMSAT_TOKEN is not set");
  });

  it.each([
    [
      'host: { interval: "5 minutes" }\n',
      'agent.yaml: host.interval: invalid duration "5 minutes" (write 5m; durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    ],
    ["colector: x\n", 'agent.yaml: unknown key "colector"'],
    [
      "checks:\n  - { name: a, category: lan, kind: pong }\n",
      'agent.yaml: checks[0] (a).kind: unknown kind "pong" (one of host, ping, snmp, printer, ups, http, tls, tcp, dns, process)',
    ],
    [
      "checks:\n  - { name: a, category: lan }\n",
      "agent.yaml: checks[0] (a).kind: is required (one of host, ping, snmp, printer, ups, http, tls, tcp, dns, process)",
    ],
    [
      "checks:\n  - { name: a, category: office, kind: host }\n",
      'agent.yaml: checks[0] (a).category: must be one of "lan", "equipment", "online_app", "shared_software", "website", "datacenter", got "office"',
    ],
    [
      "checks:\n  - { name: a, category: lan, kind: host, colour: red }\n",
      'agent.yaml: checks[0] (a): unknown key "colour"',
    ],
    [
      "checks:\n  - { name: host, category: lan, kind: host }\n",
      'agent.yaml: checks[0] (host).name: duplicate check name "host" ("host" is the host section)',
    ],
    [
      "buffer: { maxMegabytes: -1 }\n",
      "agent.yaml: buffer.maxMegabytes: Too small: expected number to be >0",
    ],
  ])("refuses %j", (extra, message) => {
    expect(errorOf(BASE + extra)).toBe(message);
  });

  it("names a check by its name as well as its place, so nobody counts from 0", () => {
    const checks = [
      '{ name: gateway, category: lan, kind: ping, host: "10.0.0.1" }',
      '{ name: portal, category: website, kind: http, url: "https://x.gov.vn/", interval: "1 minute" }',
      '{ name: "bad name!", category: lan, kind: tcp, host: "10.0.0.2" }',
    ];
    expect(errorOf(`${BASE}checks:\n${checks.map((c) => `  - ${c}\n`).join("")}`)).toBe(
      [
        'agent.yaml: checks[1] (portal).interval: invalid duration "1 minute" (write 1m; durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
        "agent.yaml: checks[2].name: must be 1-64 letters, digits, '_', '.' or '-'",
        "agent.yaml: checks[2].port: is required",
      ].join("\n"),
    );
  });

  it("takes durations written with several units, like 1m30s", () => {
    const config = loadAgentConfig(
      write("units.yaml", `${BASE}host: { interval: "1m30s", timeout: "1.5s" }\n`),
    );
    expect(config.checks[0]).toMatchObject({ interval: 90_000, timeout: 1500 });
  });

  it("refuses a collector URL that is not ws:// or wss://", () => {
    expect(errorOf('collector: "http://x/agent"\ntoken: "gsat_0123456789abcdef0123"\n')).toBe(
      "agent.yaml: collector: must be a ws:// or wss:// URL",
    );
  });

  it("reports YAML syntax errors with the line", () => {
    expect(errorOf(`${BASE}checks: [\n`)).toMatch(/^agent\.yaml:\d+: /);
  });
});

describe("giamsat-agent exit codes", () => {
  it("exits 2 with one line naming the file and the field for a bad config", async () => {
    const file = write("bad.yaml", `${BASE}host: { interval: "5 minutes" }\n`);
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}: host.interval: invalid duration "5 minutes" (write 5m; durations are written like 500ms, 30s, 5m, 1m30s, 24h)\n`,
    );
  });

  it("exits 2 for a missing file and for usage mistakes", async () => {
    const missing = await runCli(AGENT_CLI, ["run", "--config", join(dir.path, "nope.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.yaml: cannot read \(no such file\)/);
    const usage = await runCli(AGENT_CLI, ["run"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("--config is required\n");
    const unknown = await runCli(AGENT_CLI, ["fly"]);
    expect(unknown.code).toBe(2);
  });

  it("prints help with exit 0", async () => {
    const result = await runCli(AGENT_CLI, ["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/giamsat-agent check --config agent.yaml/);
  });

  it("check runs every check once and prints a table", async () => {
    const file = write("check.yaml", BASE);
    const result = await runCli(AGENT_CLI, ["check", "--offline", "--config", file]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^CHECK\s+CATEGORY\s+KIND\s+STATUS\s+REASON\s+DURATION\s+VALUES$/);
    expect(lines[1]).toMatch(/^host\s+equipment\s+host\s+up\s+\d+ ms\s+cpu=\d+% memory=/);
    expect(result.stdout).toMatch(/1 checks, 0 down/);
  });
});
