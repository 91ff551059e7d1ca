// Runs a program without a shell and keeps at most `maxBytes` of its standard output: for commands
// whose output grows with the machine (package lists). Stopped when the signal fires.
import { spawn } from "node:child_process";

export interface CommandOutput {
  stdout: string;
  exitCode: number | null;
  /** The output went past maxBytes; the program was stopped and the last partial line dropped. */
  truncated: boolean;
}

/** Rejects with the spawn error (code ENOENT when the program is not installed). */
export function runCapped(
  file: string,
  args: readonly string[],
  options: { maxBytes: number; signal?: AbortSignal },
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "ignore"],
      // Untranslated, unlocalised output: the parsers read English and "." decimals.
      env: { ...process.env, LC_ALL: "C" },
      signal: options.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (truncated) return;
      if (size + chunk.length > options.maxBytes) {
        chunks.push(chunk.subarray(0, options.maxBytes - size));
        truncated = true;
        child.kill();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    child.once("error", reject);
    child.once("close", (exitCode) => {
      let stdout = Buffer.concat(chunks).toString("utf8");
      if (truncated) stdout = stdout.slice(0, stdout.lastIndexOf("\n") + 1);
      resolve({ stdout, exitCode, truncated });
    });
  });
}
