// The default-gateway hint: printed by `giamsat-agent check` and logged by `run` when no check
// watches the LAN, never when one does; the exact gateway shown in a namespace we route ourselves.
import { execFile, spawn } from "node:child_process";
import si from "systeminformation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewaySuggestion } from "../../agent/gateway.js";
import type { CheckBase } from "../../shared/config/agent.js";
import { loadChecks, writeChecks } from "../helpers/checks.js";
import { createNetns, type TestNetns } from "../helpers/netns.js";
import { peer } from "../helpers/peers.js";
import { AGENT_CLI, runCli, tempDir } from "../helpers/processes.js";

const dir = tempDir();
const ip = peer("ip");
let netns: TestNetns | undefined;
beforeAll(() => {
  if (ip) {
    netns = createNetns(ip, "g");
    // The namespace's default route points at our end of the link: that is its gateway.
    netns.exec([ip, "route", "add", "default", "via", netns.hostAddress]);
  }
});
afterAll(() => {
  netns?.remove();
  dir.remove();
});

function check(name: string, category: CheckBase["category"]): CheckBase {
  return { name, category, kind: "ping", interval: 60_000, timeout: 10_000 };
}

const SELF = '{ name: self, category: online_app, kind: ping, host: "127.0.0.1", count: 1 }';
const LAN = '{ name: switch, category: lan, kind: ping, host: "127.0.0.1", count: 1 }';

/** Runs `giamsat-agent check` inside the test namespace. */
function checkInNetns(file: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done) => {
    execFile(
      ip ?? "ip",
      [
        "netns",
        "exec",
        netns?.name ?? "",
        process.execPath,
        AGENT_CLI,
        "check",
        "--offline",
        "--config",
        file,
      ],
      (error, stdout) => done({ code: error ? (error.code as number) : 0, stdout }),
    );
  });
}

describe("gatewaySuggestion", () => {
  it("suggests a ping of the gateway only when no check is in category lan", () => {
    expect(gatewaySuggestion([check("web", "website")], "10.0.2.2")).toEqual({
      gateway: "10.0.2.2",
      line: '- { name: gateway, category: lan, kind: ping, host: "10.0.2.2" }',
    });
    expect(gatewaySuggestion([check("web", "website"), check("sw", "lan")], "10.0.2.2")).toBe(
      undefined,
    );
    expect(gatewaySuggestion([check("web", "website")], undefined)).toBe(undefined);
  });

  it("picks a check name that is free, and the line loads as a ping check", () => {
    const suggestion = gatewaySuggestion([check("gateway", "datacenter")], "10.0.2.2");
    expect(suggestion?.line).toBe(
      '- { name: lan-gateway, category: lan, kind: ping, host: "10.0.2.2" }',
    );
    const [loaded] = loadChecks(dir.path, [suggestion?.line.replace(/^- /, "") ?? ""]);
    expect(loaded).toMatchObject({ name: "lan-gateway", kind: "ping", host: "10.0.2.2", count: 5 });
  });
});

describe("giamsat-agent check", () => {
  it("prints the suggestion with this machine's gateway after the table, when nothing watches the LAN", async () => {
    const gateway = await si.networkGatewayDefault();
    const result = await runCli(AGENT_CLI, [
      "check",
      "--offline",
      "--config",
      writeChecks(dir.path, [SELF]),
    ]);
    expect(result.code).toBe(0);
    const hint = `  - { name: gateway, category: lan, kind: ping, host: "${gateway}" }\n`;
    if (gateway) expect(result.stdout).toMatch(/\n1 checks, 0 down\n\nNo check watches the LAN/);
    expect(result.stdout.endsWith(hint)).toBe(Boolean(gateway));
  });

  it("prints no suggestion when a check watches the LAN", async () => {
    const result = await runCli(AGENT_CLI, [
      "check",
      "--offline",
      "--config",
      writeChecks(dir.path, [LAN]),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 checks, 0 down\n$/);
    expect(result.stdout).not.toMatch(/gateway/);
  });

  it("names the exact gateway of a namespace whose default route we set", async (ctx) => {
    if (!netns) return ctx.skip();
    const result = await checkInNetns(writeChecks(dir.path, [SELF], "netns.yaml"));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `This machine's default gateway is ${netns.hostAddress}; to ping it, add under checks:\n  - { name: gateway, category: lan, kind: ping, host: "${netns.hostAddress}" }\n`,
    );
  });
});

describe("giamsat-agent run", () => {
  it("logs the suggestion at start", async (ctx) => {
    if (!netns || !ip) return ctx.skip();
    // No collector listens inside the namespace: the agent keeps retrying, which does not matter.
    const file = writeChecks(dir.path, [SELF], "run.yaml");
    const child = spawn(
      ip,
      ["netns", "exec", netns.name, process.execPath, AGENT_CLI, "run", "--config", file],
      {
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
      const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
        let buffered = "";
        const timer = setTimeout(
          () => reject(new Error(`no suggestion logged:\n${buffered}`)),
          20_000,
        );
        child.stderr.on("data", (chunk: Buffer) => {
          buffered += chunk.toString();
          for (const raw of buffered.split("\n")) {
            if (!raw.includes("default gateway")) continue;
            clearTimeout(timer);
            resolve(JSON.parse(raw) as Record<string, unknown>);
          }
        });
      });
      expect(line).toMatchObject({
        level: "info",
        gateway: netns.hostAddress,
        suggestion: `- { name: gateway, category: lan, kind: ping, host: "${netns.hostAddress}" }`,
      });
    } finally {
      if (child.pid && child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        process.kill(child.pid);
        await exited;
      }
    }
  });
});
