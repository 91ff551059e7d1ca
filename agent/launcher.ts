#!/usr/bin/env node
// giamsat-agent's launcher: what the service manager starts (`launcher.js run --config agent.yaml`).
// Part of the base install and never replaced by an upgrade, it runs the version the versions
// folder's `current` names (or the base install's own agent), and goes back to the previous one when
// a new version has not confirmed itself by its deadline or exited MAX_FAILED_STARTS times. It exits
// with the agent's exit code; the service manager (systemd's Restart=always, the Windows service
// wrapper) starts it again, which is how an agent exiting with UPGRADE_EXIT_CODE runs its new version.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { compareVersions } from "../shared/agent-package.js";
import { errorMessage } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import { VERSION } from "../shared/version.js";
import { loadBufferPath } from "./buffer-path.js";
import { RUNTIME_FLAGS } from "./runtime.js";
import {
  MAX_FAILED_STARTS,
  type PendingUpgrade,
  UPGRADE_EXIT_CODE,
  VERSIONS_ENV,
  VersionsFolder,
} from "./upgrade/versions.js";

const log = createLogger("giamsat-agent-launcher");
const args = process.argv.slice(2);

/** Signals the service manager sends that the agent must get. */
const PASSED_ON = ["SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP"] as const;

function versionsFolder(): VersionsFolder {
  const { values } = parseArgs({ args, options: { config: { type: "string" } }, strict: false });
  const file = typeof values.config === "string" ? values.config : "agent.yaml";
  const folder = new VersionsFolder(join(dirname(loadBufferPath(file)), "versions"));
  mkdirSync(folder.path, { recursive: true });
  return folder;
}

/** Rolls back a pending upgrade that ran out of time or starts before this start. */
function settle(folder: VersionsFolder, now: number): PendingUpgrade | undefined {
  const pending = folder.pending();
  if (!pending) return undefined;
  let reason: string | undefined;
  if (now > pending.deadline) {
    reason = `${pending.to} did not connect to the collector by its deadline`;
  } else if (pending.exits >= MAX_FAILED_STARTS) {
    reason = `${pending.to} exited ${pending.exits} times before connecting to the collector`;
  } else if (folder.current() !== pending.to) {
    reason = `${pending.to} is not installed`;
  }
  if (reason === undefined) return pending;
  folder.rollBack(pending, reason, now);
  log.error({ from: pending.to, to: pending.from, reason }, "upgrade rolled back");
  return undefined;
}

function launch(): void {
  let folder: VersionsFolder;
  try {
    folder = versionsFolder();
  } catch (error) {
    log.fatal({ err: errorMessage(error) }, "cannot find the agent's data folder in agent.yaml");
    process.exit(2);
  }
  const pending = settle(folder, Date.now());
  let version = folder.current();
  // The base install was upgraded itself (a newer .deb): it is run again, not an older package.
  if (version !== undefined && !pending && compareVersions(VERSION, version) >= 0) {
    log.info({ base: VERSION, was: version }, "the installed package is as new: running it");
    folder.setCurrent(undefined);
    version = undefined;
  }
  const cli = version
    ? join(folder.dirOf(version), "dist/agent/cli.js")
    : join(import.meta.dirname, "cli.js");
  const argv = [...RUNTIME_FLAGS, cli, ...args];
  const env = { ...process.env, [VERSIONS_ENV]: folder.path };
  log.info({ version: version ?? "base", pending: pending?.to }, "starting the agent");
  // Nothing to watch: where Node can (≥ 22.15), the agent takes this process's place and memory.
  const execve = Reflect.get(process, "execve") as
    | ((file: string, args: string[], env: NodeJS.ProcessEnv) => never)
    | undefined;
  if (!pending && execve) execve(process.execPath, [process.execPath, ...argv], env);

  const child = spawn(process.execPath, argv, { stdio: "inherit", env });
  for (const signal of PASSED_ON) process.on(signal, () => child.kill(signal));
  const watch = pending
    ? setTimeout(
        () => {
          const still = folder.pending();
          if (!still || still.to !== pending.to) return;
          folder.rollBack(
            still,
            `${still.to} did not connect to the collector by its deadline`,
            Date.now(),
          );
          log.error(
            { from: still.to, to: still.from },
            "upgrade rolled back: no confirmation in time",
          );
          child.kill("SIGTERM");
        },
        Math.max(0, pending.deadline - Date.now()),
      )
    : undefined;
  child.on("exit", (code, signal) => {
    clearTimeout(watch);
    const exitCode = code ?? (signal ? 1 : 0);
    const still = folder.pending();
    if (still && still.to === version && exitCode !== 0 && exitCode !== UPGRADE_EXIT_CODE) {
      still.exits++;
      if (still.exits >= MAX_FAILED_STARTS) {
        const reason = `${still.to} exited ${still.exits} times before connecting to the collector (last exit code ${exitCode})`;
        folder.rollBack(still, reason, Date.now());
        log.error({ from: still.to, to: still.from, reason }, "upgrade rolled back");
      } else {
        folder.setPending(still);
      }
    }
    process.exit(exitCode);
  });
}

launch();
