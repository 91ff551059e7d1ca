// A machine without the ping program, or where ping may not open ICMP sockets: the check is down with
// a sentence saying what to install or allow, as a configuration problem, never as an internal error
// with a stack trace. Run as the real program: `giamsat-agent check` and `run`.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tableRow, writeChecks } from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import {
  AGENT_CLI,
  AGENT_NODE_FLAGS,
  runCli,
  startProgram,
  tempDir,
} from "../../helpers/processes.js";

const dir = tempDir("giamsat-ping-missing-");
afterAll(() => dir.remove());

const NOT_INSTALLED = "ping is not installed (install iputils-ping)";
const noRights = (program: string) =>
  `ping may not open ICMP sockets as this user: give the program the capability (setcap cap_net_raw+p ${program}), or allow the agent's group in sysctl net.ipv4.ping_group_range`;

/** An empty folder as PATH: no ping anywhere on it. */
function pathWithoutPing(): string {
  const empty = join(dir.path, "empty-bin");
  mkdirSync(empty, { recursive: true });
  return empty;
}

const PING_CHECK = '{ name: gw, category: lan, kind: ping, host: "127.0.0.1", count: 1 }';

describe("a machine without ping", () => {
  it("check shows the check down with what to install, and no internal error", async () => {
    const file = writeChecks(dir.path, [PING_CHECK], "no-ping.yaml");
    const result = await runCli(AGENT_CLI, ["check", "--offline", "--config", file], {
      env: { PATH: pathWithoutPing() },
    });
    expect(result.code).toBe(1);
    expect(tableRow(result.stdout, "gw")).toMatchObject({
      STATUS: "DOWN",
      REASON: `error: ${NOT_INSTALLED}`,
    });
    expect(result.stderr).not.toContain("internal error");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("run says so once in its log, as the check's reason, and counts no internal error", async () => {
    const file = writeChecks(
      dir.path,
      [PING_CHECK.replace(" }", ', interval: "1s", timeout: "3s" }')],
      "no-ping-run.yaml",
    );
    const agent = startProgram(AGENT_CLI, ["run", "--config", file], {
      PATH: pathWithoutPing(),
    });
    try {
      const down = await agent.waitForLog((line) => line.msg === "check down", 10_000);
      expect(down).toMatchObject({ check: "gw", reason: "error", message: NOT_INSTALLED });
      // Several runs later, still one line about it.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const mentions = agent
        .output()
        .split("\n")
        .filter((line) => line.includes("ping is not installed"));
      expect(mentions).toHaveLength(1);
      expect(agent.output()).not.toContain("internal error");
    } finally {
      await agent.stop();
    }
  });
});

const unshare = peer("unshare");
const setpriv = peer("setpriv");
const ping = peer("ping");
const ip = peer("ip");
const root = process.getuid?.() === 0;

describe.skipIf(!unshare || !setpriv || !ping || !ip || !root)("ping without ICMP rights", () => {
  it("check names the capability or the sysctl to set", async () => {
    // A copy of ping has no file capabilities; the process may not gain CAP_NET_RAW; and a new
    // network namespace allows ICMP datagram sockets to nobody (ping_group_range "1 0").
    const bin = join(dir.path, "bin-without-caps");
    mkdirSync(bin, { recursive: true });
    copyFileSync(ping as string, join(bin, "ping"));
    const file = writeChecks(dir.path, [PING_CHECK], "no-rights.yaml");
    const command = [
      setpriv,
      "--inh-caps=-net_raw",
      "--bounding-set=-net_raw",
      process.execPath,
      ...AGENT_NODE_FLAGS,
      AGENT_CLI,
      "check",
      "--offline",
      "--config",
      file,
    ].join(" ");
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(
          unshare as string,
          ["-n", "sh", "-c", `${ip} link set lo up && exec ${command}`],
          { env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.once("exit", (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(tableRow(result.stdout, "gw")).toMatchObject({
      STATUS: "DOWN",
      REASON: `error: ${noRights(join(bin, "ping"))}`,
    });
    expect(result.stderr).not.toContain("internal error");
  });
});
