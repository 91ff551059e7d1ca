// Agent packages built from this checkout's dist/ with another version in their package.json (which
// is where shared/version.ts reads the version), and a service manager for the launcher: a loop that
// starts it again whenever it exits, as systemd's Restart=always does in production.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { thisPlatform } from "../../shared/agent-package.js";
import { COLLECTOR_CLI, type Program, ROOT, runCli, startProgram } from "./processes.js";

export const LAUNCHER = join(ROOT, "dist/agent/launcher.js");

export function packageFileName(version: string): string {
  return `giamsat-agent-${version}-${thisPlatform()}.tar.gz`;
}

/**
 * Builds giamsat-agent-<version>-<platform>.tar.gz in `folder`: the agent's and shared code of dist/,
 * package.json with `version`, and node_modules as a link to this checkout's (a real package carries
 * its own). `broken`: its agent exits with 1 as soon as it starts.
 */
export function buildPackage(
  folder: string,
  version: string,
  options: { broken?: boolean } = {},
): string {
  const staging = join(folder, `staging-${version}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "dist"), { recursive: true });
  for (const part of ["agent", "shared"]) {
    cpSync(join(ROOT, "dist", part), join(staging, "dist", part), { recursive: true });
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  writeFileSync(join(staging, "package.json"), JSON.stringify({ ...pkg, version }, null, 2));
  symlinkSync(join(ROOT, "node_modules"), join(staging, "node_modules"));
  if (options.broken) {
    writeFileSync(
      join(staging, "dist/agent/cli.js"),
      'process.stderr.write("this build is broken\\n");\nprocess.exit(1);\n',
    );
  }
  const file = join(folder, packageFileName(version));
  const tar = spawnSync("tar", ["-czf", file, "-C", staging, "."], { encoding: "utf8" });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  rmSync(staging, { recursive: true, force: true });
  return file;
}

/** Makes a key pair with the collector's own command; returns the PEM files' paths and base64 public key. */
export async function packageKey(
  folder: string,
  name: string,
): Promise<{ privateFile: string; publicBase64: string }> {
  const out = join(folder, name);
  const made = await runCli(COLLECTOR_CLI, ["package-key", "--out", out]);
  if (made.code !== 0) throw new Error(`package-key failed: ${made.stderr}`);
  const pem = readFileSync(`${out}.pub.pem`, "utf8");
  return { privateFile: `${out}.pem`, publicBase64: pem.replace(/-----[^-]+-----|\s/g, "") };
}

export async function signPackage(file: string, privateFile: string): Promise<void> {
  const signed = await runCli(COLLECTOR_CLI, ["sign-package", "--key", privateFile, file]);
  if (signed.code !== 0) throw new Error(`sign-package failed: ${signed.stderr}`);
}

/** The launcher under a restart-on-exit loop: every start's output, and a stop that ends the loop. */
export class RestartLoop {
  #current: Program;
  #stopping = false;
  readonly starts: Program[] = [];
  readonly exitCodes: (number | null)[] = [];

  constructor(
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.#current = this.#start();
  }

  #start(): Program {
    const program = startProgram(LAUNCHER, this.args, this.env);
    this.starts.push(program);
    void program.exited.then((code) => {
      this.exitCodes.push(code);
      if (this.#stopping) return;
      // systemd waits RestartSec (10 s in the unit) first; a test need not.
      setTimeout(() => {
        if (!this.#stopping) this.#current = this.#start();
      }, 200);
    });
    return program;
  }

  output(): string {
    return this.starts.map((p) => p.output()).join("\n--- restarted ---\n");
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#current.stop();
  }
}
