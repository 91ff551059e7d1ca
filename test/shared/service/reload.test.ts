// `systemctl reload` right after `systemctl start`: systemd runs the unit's ExecReload, which must
// not end a program still starting. Node ends a process on SIGHUP until the program listens for it,
// so the command waits until the process catches SIGHUP before sending it. Here the command runs as
// systemd would run it (its `$$` read as `$`, MAINPID in its environment) against a real agent
// started a moment before.
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { linuxSpec } from "../../../shared/service/spec.js";
import { systemdUnit } from "../../../shared/service/systemd.js";
import { AgentAndCollector } from "../../helpers/agent-and-collector.js";
import { AGENT_CLI } from "../../helpers/processes.js";

const setUps = new AgentAndCollector();
afterEach(() => setUps.cleanUp());

/**
 * The unit's ExecReload as a shell runs it: systemd splits these simple words as sh does, reads `$$`
 * as `$`, and gives the command MAINPID in its environment.
 */
function execReload(program: "agent" | "collector"): string[] {
  const unit = systemdUnit(
    linuxSpec(program, { node: process.execPath, nodeFlags: [], script: AGENT_CLI }),
    "a test",
  );
  const line = unit.split("\n").find((l) => l.startsWith("ExecReload="));
  if (!line) throw new Error("the unit has no ExecReload");
  return ["/bin/sh", "-c", line.slice("ExecReload=".length).replaceAll("$$", "$")];
}

describe("the units' ExecReload", () => {
  it("reloads an agent that is still starting, instead of ending it", async () => {
    const { config } = await setUps.setUp("reload-at-start");
    const agent = setUps.startAgent(config);
    const [shell, ...args] = execReload("agent");
    const reload = spawnSync(shell as string, args, {
      env: { MAINPID: String(agent.child.pid), PATH: process.env.PATH },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(reload.status, reload.stderr).toBe(0);
    await agent.waitForLog((l) => String(l.msg).startsWith("SIGHUP: reading agent.yaml again"));
    expect(agent.child.exitCode).toBeNull();
    expect(agent.child.signalCode).toBeNull();
  });

  it("is the same command for the collector", () => {
    expect(execReload("collector")).toEqual(execReload("agent"));
  });

  it("gives up with a message when the process never comes to catch SIGHUP", () => {
    // A process that ignores SIGHUP (its mask shows it ignored, not caught): the command must end.
    const sleeper = spawnSync(
      "/bin/sh",
      ["-c", "trap '' HUP; sleep 30 >/dev/null 2>&1 & echo $!"],
      {
        encoding: "utf8",
      },
    );
    const pid = Number(sleeper.stdout.trim());
    try {
      const [shell, ...args] = execReload("agent");
      const reload = spawnSync(shell as string, args, {
        env: { MAINPID: String(pid), PATH: process.env.PATH },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(reload.status).toBe(1);
      expect(reload.stderr).toContain(`process ${pid} has not caught SIGHUP`);
    } finally {
      process.kill(pid, "SIGKILL");
    }
  });
});
