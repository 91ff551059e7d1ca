// The launcher as the service manager runs it: a real process, a versions folder in a temporary data
// folder, and installed "versions" that are small scripts (one that never connects). It rolls back a
// version that is not confirmed by its deadline, and runs the base install again once that is as new
// as the installed package (a newer .deb installed over it).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VERSION } from "../../../shared/version.js";
import { type Program, startProgram, tempDir } from "../../helpers/processes.js";
import { LAUNCHER } from "../../helpers/upgrade.js";

const dirs: { remove(): void }[] = [];
const programs: Program[] = [];
afterEach(async () => {
  await Promise.all(programs.splice(0).map((p) => p.stop()));
  for (const dir of dirs.splice(0)) dir.remove();
});

/** A data folder with agent.yaml and an installed version whose agent runs `script`. */
function setUp(installed: string, script: string) {
  const dir = tempDir("giamsat-launcher-");
  dirs.push(dir);
  const config = join(dir.path, "agent.yaml");
  writeFileSync(
    config,
    `collector: "ws://127.0.0.1:9/agent"\ntoken: "${"t".repeat(32)}"\nbuffer: { path: "./data/buffer.db" }\nhost: false\n`,
  );
  const versions = join(dir.path, "data/versions");
  mkdirSync(join(versions, installed, "dist/agent"), { recursive: true });
  writeFileSync(join(versions, installed, "dist/agent/cli.js"), script);
  writeFileSync(join(versions, installed, "package.json"), JSON.stringify({ version: installed }));
  writeFileSync(join(versions, "current"), `${installed}\n`);
  return { config, versions };
}

function launch(config: string): Program {
  const program = startProgram(LAUNCHER, ["run", "--config", config]);
  programs.push(program);
  return program;
}

describe("the launcher", () => {
  it("stops and rolls back a new version that has not confirmed itself by its deadline", async () => {
    const { config, versions } = setUp("9.0.0", "setInterval(() => {}, 1000);\n");
    const deadline = Date.now() + 1500;
    writeFileSync(
      join(versions, "pending.json"),
      JSON.stringify({ from: VERSION, to: "9.0.0", deadline, exits: 0 }),
    );
    const launcher = launch(config);
    await launcher.waitForLog((l) => l.msg === "starting the agent" && l.version === "9.0.0");
    expect(await launcher.exited).toBe(1);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(launcher.output()).toContain("upgrade rolled back: no confirmation in time");
    const rollback = JSON.parse(readFileSync(join(versions, "rollback.json"), "utf8"));
    expect(rollback).toMatchObject({
      from: VERSION,
      to: "9.0.0",
      reason: "9.0.0 did not connect to the collector by its deadline",
      reported: false,
    });
    // Back to the base install: no `current`, no pending record.
    expect(existsSync(join(versions, "current"))).toBe(false);
    expect(existsSync(join(versions, "pending.json"))).toBe(false);
  });

  it("runs the base install again when it is as new as the installed package", async () => {
    const { config, versions } = setUp("0.0.1", 'process.stderr.write("old package ran\\n");\n');
    const launcher = launch(config);
    await launcher.waitForLog((l) => l.msg === "the installed package is as new: running it");
    await launcher.waitForLog((l) => l.msg === "agent started" && l.program === "giamsat-agent");
    expect(existsSync(join(versions, "current"))).toBe(false);
    expect(launcher.output()).not.toContain("old package ran");
    // Stopped once it runs (its first reconnect planned), not while it is still starting.
    await launcher.waitForLog((l) => l.msg === "reconnecting later");
    expect(await launcher.stop()).toBe(0);
  });
});
