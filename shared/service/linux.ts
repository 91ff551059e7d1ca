// Installing a giamsat service on Linux with systemd: its system user, /etc/giamsat/<program>.yaml
// (mode 0600, the service's user its owner), its state folder, its unit (unless a package brought
// one), enabled and started. Everything happens under `root` ("/" normally; a folder in tests or for
// a system image), with the distribution's own tools (useradd --root, systemctl --root).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError } from "../errors.js";
import { LINUX, type ServiceSpec } from "./spec.js";
import { systemdUnit, WRITTEN_BY } from "./systemd.js";

export interface LinuxTarget {
  /** The system installed into: "/" or a folder holding one. */
  root: string;
  /** What the commands print, one line at a time, for the person installing. */
  say(line: string): void;
}

export interface Ids {
  uid: number;
  gid: number;
}

const at = (target: LinuxTarget, path: string) => join(target.root, path);

/** systemd runs this system: only then can a service be started now. */
function systemdRuns(target: LinuxTarget): boolean {
  return target.root === "/" && existsSync("/run/systemd/system");
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT"
        ? `${command} is not installed on this machine`
        : `${command}: ${result.error.message}`,
      { cause: result.error },
    );
  }
  if (result.status !== 0) {
    const said = (result.stderr || result.stdout).trim();
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}): ${said}`);
  }
}

/** The user's ids as the target's /etc/passwd has them, or undefined when it has no such user. */
export function userIds(target: LinuxTarget, user: string): Ids | undefined {
  const path = at(target, "/etc/passwd");
  if (!existsSync(path)) return undefined;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === user) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** The service's system user, made when missing (no login, no home of its own). */
export function ensureUser(target: LinuxTarget, spec: ServiceSpec): Ids {
  const found = userIds(target, spec.user);
  if (found) return found;
  const shell = existsSync(at(target, "/usr/sbin/nologin")) ? "/usr/sbin/nologin" : "/bin/false";
  run("useradd", [
    "--system",
    "--root",
    target.root,
    "--user-group",
    "--no-create-home",
    "--home-dir",
    `${LINUX.stateRoot}/${spec.stateDirectory}`,
    "--shell",
    shell,
    "--comment",
    spec.name,
    spec.user,
  ]);
  const made = userIds(target, spec.user);
  if (!made) throw new Error(`useradd did not add ${spec.user} to ${at(target, "/etc/passwd")}`);
  target.say(`added the system user ${spec.user}`);
  return made;
}

/** The config folder (root's, readable) and the state folder (the service user's only). */
export function prepareFolders(target: LinuxTarget, spec: ServiceSpec, ids: Ids): void {
  const config = at(target, LINUX.configDir);
  mkdirSync(config, { recursive: true, mode: 0o755 });
  const state = at(target, `${LINUX.stateRoot}/${spec.stateDirectory}`);
  mkdirSync(state, { recursive: true, mode: 0o700 });
  chownSync(state, ids.uid, ids.gid);
  chmodSync(state, 0o700);
}

/** Writes a file of the service (config, CA) whole or not at all: mode 0600, the user's own. */
export function writePrivate(target: LinuxTarget, path: string, text: string, ids: Ids): void {
  const file = at(target, path);
  mkdirSync(dirname(file), { recursive: true });
  const next = `${file}.new`;
  writeFileSync(next, text, { mode: 0o600 });
  chownSync(next, ids.uid, ids.gid);
  chmodSync(next, 0o600);
  renameSync(next, file);
}

/** The unit systemd uses: a package's when there is one, else one written here. */
export function installUnit(target: LinuxTarget, spec: ServiceSpec, writtenBy: string): string {
  const fromPackage = LINUX.packageUnitDirs
    .map((dir) => `${dir}/${spec.name}.service`)
    .find((path) => existsSync(at(target, path)));
  if (fromPackage) {
    target.say(`using the package's unit ${fromPackage}`);
    return fromPackage;
  }
  const path = `${LINUX.unitDir}/${spec.name}.service`;
  mkdirSync(at(target, LINUX.unitDir), { recursive: true });
  writeFileSync(at(target, path), systemdUnit(spec, writtenBy), { mode: 0o644 });
  target.say(`wrote the unit ${path}`);
  // ProtectHome= hides these from the service: a checkout there would not start.
  const hidden = [spec.node, spec.script].find((file) => /^\/(home|root|run\/user)\//.test(file));
  if (hidden) {
    target.say(
      `warning: the service cannot read ${hidden} (home folders are hidden from it): install the package, or put giamsat under /opt`,
    );
  }
  return path;
}

/** Enabled at boot, and (re)started now when systemd runs this system. */
export function enableAndStart(target: LinuxTarget, spec: ServiceSpec): void {
  const unit = `${spec.name}.service`;
  if (systemdRuns(target)) {
    run("systemctl", ["daemon-reload"]);
    run("systemctl", ["enable", unit]);
    run("systemctl", ["restart", unit]);
    target.say(`enabled and started ${unit}; its log: journalctl -u ${spec.name}`);
    return;
  }
  run("systemctl", [`--root=${target.root}`, "enable", unit]);
  target.say(`enabled ${unit}; systemd does not run here, so it starts at the next boot`);
}

/**
 * Stops and disables the service, removes the unit when install wrote it, and the files named
 * (config, CA); with `purge` also the state folder and the user.
 */
export function uninstallLinux(
  target: LinuxTarget,
  spec: ServiceSpec,
  options: { remove: readonly string[]; purge: boolean },
): void {
  const unit = `${spec.name}.service`;
  const written = at(target, `${LINUX.unitDir}/${unit}`);
  const ours = existsSync(written) && readFileSync(written, "utf8").startsWith(WRITTEN_BY);
  const known =
    ours || LINUX.packageUnitDirs.some((dir) => existsSync(at(target, `${dir}/${unit}`)));
  if (known) {
    if (systemdRuns(target)) {
      run("systemctl", ["disable", "--now", unit]);
      target.say(`stopped and disabled ${unit}`);
    } else {
      run("systemctl", [`--root=${target.root}`, "disable", unit]);
      target.say(`disabled ${unit}`);
    }
  }
  if (ours) {
    rmSync(written);
    target.say(`removed ${LINUX.unitDir}/${unit}`);
    if (systemdRuns(target)) run("systemctl", ["daemon-reload"]);
  }
  for (const path of options.remove) {
    if (!existsSync(at(target, path))) continue;
    rmSync(at(target, path), { force: true });
    target.say(`removed ${path}`);
  }
  const state = `${LINUX.stateRoot}/${spec.stateDirectory}`;
  if (!options.purge) {
    if (existsSync(at(target, state))) target.say(`kept ${state} (--purge removes it)`);
    return;
  }
  rmSync(at(target, state), { recursive: true, force: true });
  target.say(`removed ${state}`);
  if (userIds(target, spec.user)) {
    run("userdel", ["--root", target.root, spec.user]);
    target.say(`removed the system user ${spec.user}`);
  }
}

/** Install and uninstall change the system: only root may. */
export function requireRoot(command: string): void {
  if (process.getuid?.() !== 0) {
    throw new ConfigError(`${command} changes the system: run it as root (sudo ${command} …)`);
  }
}
