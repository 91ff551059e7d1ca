// Starts the real giamsat programs (built under dist/) as child processes in temporary folders.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** The checkout: found upwards from here, so this works from test/ and from dist/test/ alike. */
function findRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const ROOT = findRoot();
export const AGENT_CLI = join(ROOT, "dist/agent/cli.js");
export const COLLECTOR_CLI = join(ROOT, "dist/collector/cli/main.js");
/** Node flags on the agent's shebang line (`#!/usr/bin/env -S node FLAGS`), so tests run it as users do. */
export const AGENT_NODE_FLAGS = (() => {
  const line = existsSync(AGENT_CLI)
    ? (readFileSync(AGENT_CLI, "utf8").split("\n", 1)[0] ?? "")
    : "";
  return line.split(/\s+/).filter((word) => word.startsWith("--"));
})();

export function tempDir(prefix = "giamsat-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Program {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first log line (parsed) for which `match` is true. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Sends the signal to the process by its PID and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startProgram(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: {
    cwd?: string;
    nodeFlags?: string[];
    withoutShebangFlags?: boolean;
    /** Runs it in a test's network namespace (`ip netns exec` execs, so the PID is the program's). */
    netns?: { ip: string; name: string };
  } = {},
): Program {
  // The agent runs as its command line (shebang) runs it, with its V8 flags, unless asked not to.
  const shebang = cli === AGENT_CLI && !options.withoutShebangFlags ? AGENT_NODE_FLAGS : [];
  const flags = [...shebang, ...(options.nodeFlags ?? [])];
  const argv = [...flags, cli, ...args];
  const [command, commandArgs] = options.netns
    ? [options.netns.ip, ["netns", "exec", options.netns.name, process.execPath, ...argv]]
    : [process.execPath, argv];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, GIAMSAT_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let text = "";
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  const seen: Record<string, unknown>[] = [];
  let partial = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        seen.push(parsed);
        for (const waiter of [...waiters]) {
          if (waiter.match(parsed)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(parsed);
          }
        }
      } catch {
        // not a log line
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return {
    child,
    exited,
    output: () => text,
    waitForLog(match, timeoutMs = 20_000) {
      const already = seen.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before the log line; output:\n${text}`));
        });
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      if (child.pid !== undefined) process.kill(child.pid, signal);
      return exited;
    },
  };
}

/** Runs a CLI to completion and returns its exit code and output. */
export function runCli(
  cli: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdin.end(options.input ?? "");
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

export interface CollectorProcess {
  program: Program;
  url: string;
  configFile: string;
  dir: string;
  enroll(unit: string, name: string): Promise<string>;
  revoke(unit: string, name: string): Promise<void>;
}

export const TWO_UNITS = `units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    kind: department
    leader: { name: "Nguyễn Văn A", title: "Phó Giám đốc" }
  - id: quan-hai-chau
    name: "UBND quận Hải Châu"
    kind: district
`;

/** Writes collector.yaml in `dir` (port chosen by the OS) and starts `serve`. */
export async function startCollectorProcess(
  dir: string,
  extraYaml = TWO_UNITS,
  env: NodeJS.ProcessEnv = {},
): Promise<CollectorProcess> {
  const configFile = join(dir, "collector.yaml");
  writeFileSync(configFile, `listen: "127.0.0.1:0"\ndatabase: "./collector.db"\n${extraYaml}`);
  return attachCollector(dir, configFile, env);
}

/** Starts `serve` on an existing config. */
export async function attachCollector(
  dir: string,
  configFile: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CollectorProcess> {
  const program = startProgram(COLLECTOR_CLI, ["serve", "--config", configFile], env);
  const line = await program.waitForLog((l) => l.msg === "listening");
  const url = String(line.url);
  return {
    program,
    url,
    configFile,
    dir,
    async enroll(unit, name) {
      const result = await runCli(COLLECTOR_CLI, [
        "enroll",
        "--config",
        configFile,
        "--unit",
        unit,
        "--name",
        name,
      ]);
      if (result.code !== 0) throw new Error(`enroll failed: ${result.stderr}`);
      const token = /token: "([^"]+)"/.exec(result.stdout)?.[1];
      if (!token) throw new Error(`no token in enroll output: ${result.stdout}`);
      return token;
    },
    async revoke(unit, name) {
      const result = await runCli(COLLECTOR_CLI, [
        "revoke",
        "--config",
        configFile,
        "--unit",
        unit,
        "--name",
        name,
      ]);
      if (result.code !== 0) throw new Error(`revoke failed: ${result.stderr}`);
    },
  };
}

/** Writes an agent.yaml for the collector and returns its path. */
export function writeAgentConfig(
  dir: string,
  name: string,
  collectorUrl: string,
  token: string,
  body = 'host: { interval: "1s" }\n',
): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `collector: "${collectorUrl.replace(/^http/, "ws")}/agent"\ntoken: "${token}"\nbuffer: { path: "./${name}-buffer.db" }\n${body}`,
  );
  return file;
}

/** Polls until `probe` returns a value that is not undefined, or fails after the timeout. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

export async function fetchText(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}
