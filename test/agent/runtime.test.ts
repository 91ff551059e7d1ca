// The agent's V8 settings whichever way it is started: `node dist/agent/cli.js run` without them (the
// usual form in a service file) runs the agent with them, signals still reach it, and the settings
// are written once: the shebang line, npm run agent and runtime.ts agree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUNTIME_FLAGS } from "../../agent/runtime.js";
import {
  AGENT_CLI,
  AGENT_NODE_FLAGS,
  eventually,
  ROOT,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";

const dir = tempDir("giamsat-runtime-");
afterAll(() => dir.remove());

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

describe("the agent's V8 settings", () => {
  it("are the same on the shebang line, in npm run agent and in runtime.ts", () => {
    expect(AGENT_NODE_FLAGS).toEqual(RUNTIME_FLAGS);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.agent).toBe(`node ${RUNTIME_FLAGS.join(" ")} dist/agent/cli.js`);
  });

  it.skipIf(process.platform !== "linux")(
    "are those of the running agent when started as node dist/agent/cli.js run, and signals reach it",
    async () => {
      const collector = await startCollectorProcess(dir.path);
      try {
        const config = writeAgentConfig(
          dir.path,
          "bare-node",
          collector.url,
          await collector.enroll("so-tttt", "bare-node"),
          "host: false\n",
        );
        // No flags at all: exactly what a service file's ExecStart=/usr/bin/node dist/agent/cli.js does.
        const started = startProgram(
          AGENT_CLI,
          ["run", "--config", config],
          {},
          { withoutShebangFlags: true },
        );
        const bare = startedWithoutFlags(started.child.pid as number);
        expect(bare).toBe(true);
        await started.waitForLog((l) => l.msg === "connected to the collector");
        const status = await eventually(async () => {
          const result = await runCli(AGENT_CLI, ["status", "--config", config]);
          return result.code === 0 ? result.stdout : undefined;
        });
        const pid = Number(/PID (\d+)/.exec(status)?.[1]);
        for (const flag of RUNTIME_FLAGS) expect(commandLine(pid)).toContain(flag);
        process.kill(started.child.pid as number, "SIGHUP");
        await started.waitForLog((l) => l.msg === "agent.yaml reloaded");
        expect(await started.stop("SIGTERM")).toBe(0);
        expect(started.output()).toContain('"signal":"SIGTERM"');
      } finally {
        await collector.program.stop();
      }
    },
  );
});

/** The process the test started had none of the flags on its own command line. */
function startedWithoutFlags(pid: number): boolean {
  return RUNTIME_FLAGS.every((flag) => !commandLine(pid).includes(flag));
}
