// `giamsat-agent run` as a process: started, reloaded on SIGHUP (agent.yaml validated first; on a
// mistake the running configuration stays, and the log says why), stopped on SIGINT, SIGTERM or
// SIGQUIT, and on every way out what the agent holds is written to its buffer first.
import { errorMessage } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { type RunningAgent, startAgent } from "./agent.js";
import { type AgentConfig, loadAgentConfig } from "./config.js";
import { takeHeldReload } from "./runtime.js";
import type { AgentStatus } from "./status/report.js";

/** Signals that stop the agent, each after writing and sending what it holds. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGQUIT"] as const;

export async function runAgent(
  file: string,
  config: AgentConfig,
  log: Logger,
  lastError: () => AgentStatus["lastError"],
): Promise<number> {
  let upgraded: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => {
    upgraded = resolve;
  });
  const agent = await startAgent(config, log, { file, lastError, exit: (code) => upgraded(code) });
  let closed = false;
  const closeBuffer = () => {
    if (closed) return;
    closed = true;
    agent.outbox.close();
  };
  // Whatever ends the process from here on (process.exit, a fatal error) writes what is held first.
  process.on("exit", closeBuffer);
  const fatal = (error: unknown) => {
    log.fatal(
      { err: error },
      "the agent stopped on an unexpected error; what it held was written to its buffer",
    );
    closeBuffer();
    process.exit(1);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);

  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(() => reloadConfig(file, agent, log));
  };
  process.on("SIGHUP", reload);
  if (takeHeldReload()) reload();

  // A stop signal ends the agent with 0; an installed upgrade with its code, for the launcher.
  const stop = await Promise.race([
    new Promise<{ signal: NodeJS.Signals }>((resolve) => {
      // Listened to for good, not once: a second signal while stopping (systemd signals the whole
      // group, and the launcher passes its own on) would otherwise end the process before its
      // buffer is written; a stop that hangs is ended by the service manager's timeout.
      for (const name of STOP_SIGNALS) process.on(name, () => resolve({ signal: name }));
    }),
    exitCode.then((code) => ({ code })),
  ]);
  log.info(stop, "stopping");
  process.off("SIGHUP", reload);
  await reloading;
  await agent.stop();
  closed = true;
  return "code" in stop ? stop.code : 0;
}

async function reloadConfig(file: string, agent: RunningAgent, log: Logger): Promise<void> {
  log.info({ file }, "SIGHUP: reading agent.yaml again");
  let next: AgentConfig;
  try {
    next = loadAgentConfig(file);
  } catch (error) {
    log.error(
      { file, err: errorMessage(error) },
      "agent.yaml not reloaded: it has a mistake (err says which); the agent goes on with the configuration it had",
    );
    return;
  }
  try {
    await agent.reload(next);
  } catch (error) {
    log.error(
      { file, err: errorMessage(error) },
      "agent.yaml could not be applied; the agent goes on",
    );
  }
}
