// `giamsat-agent install` and `uninstall`: the agent as a service of this machine, with a ready
// agent.yaml or enrolled here with a unit's code. Linux: systemd (shared/service/linux.ts);
// Windows: a service through WinSW (shared/service/windows.ts). Loaded only by these commands.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { ConfigError } from "../shared/errors.js";
import {
  enableAndStart,
  ensureUser,
  installUnit,
  prepareFolders,
  requireRoot,
  uninstallLinux,
  writePrivate,
} from "../shared/service/linux.js";
import { LINUX, linuxSpec, type ServiceSpec } from "../shared/service/spec.js";
import {
  installWindows,
  prepareWindowsFolder,
  uninstallWindows,
  windowsPlaces,
  windowsSpec,
} from "../shared/service/windows.js";
import { loadAgentConfig } from "./config.js";
import {
  checkConfigFree,
  checkEnrollOptions,
  type EnrollOptions,
  enrolledYaml,
  redeemCode,
} from "./enroll.js";
import { RUNTIME_FLAGS } from "./runtime.js";

export interface InstallOptions {
  /** A ready agent.yaml to install. */
  config?: string | undefined;
  /** Or: enroll here with a code. */
  collector?: string | undefined;
  code?: string | undefined;
  ca?: string | undefined;
  pin?: string | undefined;
  /** The system to install into (Linux): "/" unless a folder holding one is given. */
  root?: string | undefined;
}

/**
 * How this agent runs: the Node running now, its flags, and the launcher beside this file, which
 * starts the installed version (launcher.ts) and is what the service manager restarts.
 */
function runningAs() {
  const script = fileURLToPath(new URL("./launcher.js", import.meta.url));
  return { node: process.execPath, nodeFlags: RUNTIME_FLAGS, script };
}

export function agentServiceSpec(platform: NodeJS.Platform = process.platform): ServiceSpec {
  return platform === "win32" ? windowsSpec("agent", runningAs()) : linuxSpec("agent", runningAs());
}

/** Where the service keeps its buffer: its state folder, the one place it may write. */
function bufferPathOf(platform: NodeJS.Platform): string {
  return platform === "win32"
    ? windowsPlaces("agent").bufferFile
    : `${LINUX.stateRoot}/giamsat/agent-buffer.db`;
}

/**
 * A ready agent.yaml made fit for the service: its buffer in the state folder, and its tlsCa file
 * copied beside it (the service cannot read home folders). Returns the text and the CA to copy.
 */
function adaptConfig(
  file: string,
  bufferPath: string,
  caTarget: string,
): { text: string; ca?: string } {
  const config = loadAgentConfig(file);
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.setIn(["buffer", "path"], bufferPath);
  let ca: string | undefined;
  if (config.tlsCa) {
    ca = resolve(config.tlsCa);
    doc.set("tlsCa", caTarget);
  }
  return { text: doc.toString(), ...(ca ? { ca } : {}) };
}

export async function installAgent(
  options: InstallOptions,
  say: (line: string) => void,
): Promise<void> {
  const platform = process.platform;
  const spec = agentServiceSpec(platform);
  const windows = platform === "win32";
  if (windows && options.root) throw new ConfigError("--root applies on Linux only");
  if (!windows) requireRoot("giamsat-agent install");
  const root = options.root ?? "/";
  const inRoot = (path: string) => (windows ? path : join(root, path));
  const caTarget = windows
    ? join(windowsPlaces("agent").dataDir, "collector-ca.pem")
    : `${LINUX.configDir}/collector-ca.pem`;
  const bufferPath = bufferPathOf(platform);

  const enrolling = options.code !== undefined || options.collector !== undefined;
  let enroll: EnrollOptions | undefined;
  let ready: { text: string; ca?: string } | undefined;
  if (enrolling) {
    if (options.config) throw new ConfigError("give --config or --collector with --code, not both");
    if (!options.collector || !options.code) {
      throw new ConfigError("--collector and --code go together (the code's collector address)");
    }
    enroll = { collector: options.collector, code: options.code, ca: options.ca, pin: options.pin };
    checkEnrollOptions(enroll);
    checkConfigFree(inRoot(spec.configFile)); // its folder is made below, before the code is used
  } else if (options.config) {
    ready = adaptConfig(options.config, bufferPath, caTarget);
  } else if (!existsSync(inRoot(spec.configFile))) {
    throw new ConfigError(
      `give --config agent.yaml, or --collector URL --code CODE (${spec.configFile} does not exist yet)`,
    );
  }

  if (windows) {
    prepareWindowsFolder("agent", say);
    await writeAgentConfig(
      enroll,
      ready,
      { caTarget, bufferPath, configFile: spec.configFile },
      (path, text) => writeFileSync(path, text),
    );
    // The Windows folder: node\node.exe, lib\dist\agent\cli.js and winsw.exe side by side.
    installWindows(spec, resolve(spec.script, "../../../.."), say);
    return;
  }
  const target = { root, say };
  const ids = ensureUser(target, spec);
  prepareFolders(target, spec, ids);
  await writeAgentConfig(
    enroll,
    ready,
    { caTarget, bufferPath, configFile: spec.configFile },
    (path, text) => writePrivate(target, path, text, ids),
  );
  if (enroll || ready) say(`wrote ${spec.configFile} (mode 0600, owner ${spec.user})`);
  installUnit(target, spec, "giamsat-agent install; giamsat-agent uninstall removes it");
  enableAndStart(target, spec);
}

async function writeAgentConfig(
  enroll: EnrollOptions | undefined,
  ready: { text: string; ca?: string } | undefined,
  places: { caTarget: string; bufferPath: string; configFile: string },
  write: (path: string, text: string) => void,
): Promise<void> {
  if (ready) {
    if (ready.ca) write(places.caTarget, readFileSync(ready.ca, "utf8"));
    write(places.configFile, ready.text);
    return;
  }
  if (!enroll) return;
  const ca = enroll.ca ? readFileSync(enroll.ca, "utf8") : undefined;
  const enrolled = await redeemCode(enroll);
  if (ca) write(places.caTarget, ca);
  const tlsCa = ca ? places.caTarget : undefined;
  write(
    places.configFile,
    enrolledYaml(enroll, enrolled, { tlsCa, bufferPath: places.bufferPath }),
  );
}

export function uninstallAgent(
  options: { purge: boolean; root?: string | undefined },
  say: (line: string) => void,
): void {
  const spec = agentServiceSpec();
  if (process.platform === "win32") {
    const places = windowsPlaces("agent");
    const remove = [places.configFile, join(places.dataDir, "collector-ca.pem")];
    uninstallWindows(spec, { remove, purge: options.purge }, say);
    return;
  }
  requireRoot("giamsat-agent uninstall");
  const remove = [spec.configFile, `${LINUX.configDir}/collector-ca.pem`];
  uninstallLinux({ root: options.root ?? "/", say }, spec, { remove, purge: options.purge });
}
