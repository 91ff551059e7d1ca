// The agent's V8 settings, whichever way it is started. They keep an agent at about 70 MiB instead of
// 90 (docs/developers/performance.md); V8 takes them only at start (set later, the young generation
// keeps its size and --single-threaded-gc crashes V8), so `run` started without them (`node
// dist/agent/cli.js run`, the usual form in a service file) starts again with them: in place on
// Node versions with process.execve (the same PID, nothing left over), else as a child this process
// waits for, passing signals on. Imported first by cli.ts, before anything else is loaded.
import { spawn } from "node:child_process";

/**
 * A 1 MiB young generation; no optimizing compiler (at a few check runs a second its compiling costs
 * more CPU than its code saves, and its pages about 10 MiB); garbage collection on the main thread
 * only (a heap of 15 MiB gains nothing from helper threads). The same as cli.ts's shebang line.
 */
export const RUNTIME_FLAGS = ["--max-semi-space-size=1", "--no-opt", "--single-threaded-gc"];

/**
 * A SIGHUP that comes while `run` starts (systemctl reload right after start) would end the process,
 * Node's default for it, before run.ts listens for it: it is held from the first line of cli.ts and
 * applied once the agent runs.
 */
let heldReload = false;
const holdReload = () => {
  heldReload = true;
};

export function holdReloads(argv: readonly string[] = process.argv): void {
  if (argv[2] === "run") process.on("SIGHUP", holdReload);
}

/** Stops holding SIGHUP (run.ts listens now); true when one came meanwhile. */
export function takeHeldReload(): boolean {
  process.off("SIGHUP", holdReload);
  const came = heldReload;
  heldReload = false;
  return came;
}

/** Signals a supervisor passes on to the agent it started. */
const PASSED_ON = ["SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP"] as const;

function missingFlags(execArgv: readonly string[]): string[] {
  return RUNTIME_FLAGS.filter((flag) => !execArgv.includes(flag));
}

/** Node ≥ 22.15 and ≥ 23.11 replace the process image; older versions have no such call. */
type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

/**
 * For `run` without the flags: starts the agent again with them and returns true (this process then
 * only waits, or is already replaced); false when nothing needs doing.
 */
export function restartWithRuntimeFlags(argv: readonly string[] = process.argv): boolean {
  if (argv[2] !== "run") return false;
  const missing = missingFlags(process.execArgv);
  if (missing.length === 0) return false;
  const args = [...missing, ...process.execArgv, ...argv.slice(1)];
  const execve = Reflect.get(process, "execve") as Execve | undefined;
  if (execve) execve(process.execPath, [process.execPath, ...args], process.env);
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  for (const signal of PASSED_ON) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  return true;
}
