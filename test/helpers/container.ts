// A Debian system made by debootstrap in a test's folder, used two ways: as a chroot (in a mount
// namespace of its own, so /proc mounted for it goes away with the command, whatever happens) and
// booted with its own systemd by `systemd-nspawn -b`, sharing this machine's network (so its agent
// reaches a collector on loopback). Commands run inside the booted system through nsenter.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** The environment commands get inside: nothing of this machine's but PATH and a language. */
const CLEAN_ENV = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  LANG: "C.UTF-8",
};

export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function check(what: string, ran: Ran): Ran {
  if (ran.status !== 0) {
    throw new Error(`${what} failed (exit ${ran.status}):\n${ran.stderr}\n${ran.stdout}`);
  }
  return ran;
}

function runSync(command: string, args: readonly string[], timeoutMs: number): Ran {
  const ran = spawnSync(command, args, { encoding: "utf8", env: CLEAN_ENV, timeout: timeoutMs });
  return { status: ran.status, stdout: ran.stdout ?? "", stderr: ran.stderr ?? "" };
}

/** debootstrap's minimal Debian 12 with `include` packages, downloaded into `root` only. */
export function debootstrap(root: string, include: readonly string[]): void {
  check(
    "debootstrap",
    runSync(
      "debootstrap",
      [
        "--variant=minbase",
        `--include=${include.join(",")}`,
        "bookworm",
        root,
        "http://deb.debian.org/debian",
      ],
      15 * 60_000,
    ),
  );
}

/** A command in the system as a chroot, with /proc; `allowFailure` returns a failed run too. */
export function inChroot(root: string, command: readonly string[], allowFailure = false): Ran {
  const ran = runSync(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      'mount -t proc proc "$1/proc" && exec chroot "$@"',
      "sh",
      root,
      ...command,
    ],
    10 * 60_000,
  );
  return allowFailure ? ran : check(`chroot ${command.join(" ")}`, ran);
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** The system booted by systemd-nspawn: its systemd is PID 1 of its own PID namespace. */
export class BootedSystem {
  #output = "";
  readonly exited: Promise<number | null>;

  private constructor(
    readonly root: string,
    readonly nspawn: ChildProcess,
  ) {
    nspawn.stdout?.on("data", (chunk: Buffer) => {
      this.#output += chunk.toString();
    });
    nspawn.stderr?.on("data", (chunk: Buffer) => {
      this.#output += chunk.toString();
    });
    this.exited = new Promise((resolve) => nspawn.once("exit", (code) => resolve(code)));
  }

  static async boot(root: string): Promise<BootedSystem> {
    const nspawn = spawn(
      "systemd-nspawn",
      [
        "--boot",
        `--directory=${root}`,
        "--register=no",
        "--keep-unit",
        "--console=read-only",
        "-q",
      ],
      { env: CLEAN_ENV, stdio: ["ignore", "pipe", "pipe"] },
    );
    const system = new BootedSystem(root, nspawn);
    const deadline = Date.now() + 120_000;
    while (system.init() === undefined || !system.running()) {
      if (nspawn.exitCode !== null || Date.now() > deadline) {
        await system.stop();
        throw new Error(`the system did not boot:\n${system.output}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return system;
  }

  get output(): string {
    return this.#output;
  }

  /** The PID (here) of the system's systemd, a descendant of nspawn named systemd. */
  init(): number | undefined {
    const pid = this.nspawn.pid;
    if (pid === undefined) return undefined;
    const queue = children(pid);
    while (queue.length > 0) {
      const next = queue.shift() as number;
      if (!existsSync(`/proc/${next}/comm`)) continue;
      if (readFileSync(`/proc/${next}/comm`, "utf8").trim() === "systemd") return next;
      queue.push(...children(next));
    }
    return undefined;
  }

  /** systemd inside says it has finished booting (running, or degraded by a unit unrelated to us). */
  running(): boolean {
    const state = this.exec(["systemctl", "is-system-running"], true).stdout.trim();
    return state === "running" || state === "degraded";
  }

  /** A command inside the booted system, as root. */
  exec(command: readonly string[], allowFailure = false): Ran {
    const init = this.init();
    if (init === undefined) throw new Error("the system is not running");
    const ran = runSync(
      "nsenter",
      [
        `--target=${init}`,
        "--mount",
        "--uts",
        "--ipc",
        "--pid",
        "--root",
        "--wd",
        "--",
        ...command,
      ],
      5 * 60_000,
    );
    return allowFailure ? ran : check(command.join(" "), ran);
  }

  /** Powers the system off (nspawn passes SIGTERM on as a shutdown) and waits for nspawn to end. */
  async stop(): Promise<void> {
    if (this.nspawn.exitCode !== null || this.nspawn.pid === undefined) return;
    process.kill(this.nspawn.pid, "SIGTERM");
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000));
    if ((await Promise.race([this.exited, timeout])) === "timeout") {
      process.kill(this.nspawn.pid, "SIGKILL");
      await this.exited;
    }
  }
}
