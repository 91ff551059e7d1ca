// Runs a program without a shell and keeps at most `maxBytes` of its standard output (and standard
// error, when asked): for commands whose output grows with the machine (package lists) and for ping.
// Stopped when the signal fires.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export interface CommandOutput {
  /** Standard output, with standard error mixed in when asked for. */
  stdout: string;
  exitCode: number | null;
  /** The output went past maxBytes; the program was stopped and the last partial line dropped. */
  truncated: boolean;
}

/** Rejects with the spawn error (code ENOENT when the program is not installed). */
export function runCapped(
  file: string,
  args: readonly string[],
  options: {
    maxBytes: number;
    signal?: AbortSignal;
    /** Keep standard error too, with standard output in the order they arrive. */
    stderr?: boolean;
  },
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", options.stderr ? "pipe" : "ignore"],
      // Untranslated, unlocalised output: the parsers read English and "." decimals.
      env: { ...process.env, LC_ALL: "C" },
      signal: options.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const collect = (chunk: Buffer) => {
      if (truncated) return;
      if (size + chunk.length > options.maxBytes) {
        chunks.push(chunk.subarray(0, options.maxBytes - size));
        truncated = true;
        child.kill();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    let aborted: Error | undefined;
    child.once("error", (error) => {
      // Stopped by the signal: it is killed; settle once it is gone, so nothing outlives the run.
      if (error.name === "AbortError") aborted = error;
      else reject(error);
    });
    child.once("close", (exitCode) => {
      if (aborted) {
        reject(aborted);
        return;
      }
      let stdout = Buffer.concat(chunks).toString("utf8");
      if (truncated) stdout = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
      resolve({ stdout, exitCode, truncated });
    });
  });
}

/** Where `name` is found on PATH, as `command -v` would say; undefined when nowhere. */
export function programPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
