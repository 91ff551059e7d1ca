// Everything Windows-specific about installing giamsat as a service, in one module. Node cannot answer
// the service control manager by itself, so the service is WinSW (https://github.com/winsw/winsw),
// the wrapper that node-windows ships on the npm registry: a copy named giamsat-agent.exe beside
// giamsat-agent.xml, which this module writes, registered with `giamsat-agent.exe install`. WinSW
// starts Node with the program's flags, sends Ctrl+C on stop (the agent then writes what it holds),
// restarts it when it ends, and keeps its log in rolled files.
// Config and data live under %ProgramData%\giamsat, readable by SYSTEM and Administrators only.
// Not run on Windows by the test suite, which runs on Linux: the files and command lines are tested.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { win32 } from "node:path";
import type { ProgramName, ServiceSpec } from "./spec.js";

export interface WindowsPlaces {
  /** %ProgramData%\giamsat: config, data, the service's files and logs. */
  dataDir: string;
  configFile: string;
  /** The service wrapper and its definition. */
  wrapper: string;
  definition: string;
  logDir: string;
  /** For the agent: its buffer. */
  bufferFile: string;
}

export function windowsPlaces(
  program: ProgramName,
  env: NodeJS.ProcessEnv = process.env,
): WindowsPlaces {
  const dataDir = win32.join(env.ProgramData ?? "C:\\ProgramData", "giamsat");
  return {
    dataDir,
    configFile: win32.join(dataDir, `${program}.yaml`),
    wrapper: win32.join(dataDir, `giamsat-${program}.exe`),
    definition: win32.join(dataDir, `giamsat-${program}.xml`),
    logDir: win32.join(dataDir, "logs"),
    bufferFile: win32.join(dataDir, "agent-buffer.db"),
  };
}

export function windowsSpec(
  program: ProgramName,
  run: { node: string; nodeFlags: readonly string[]; script: string },
  env: NodeJS.ProcessEnv = process.env,
): ServiceSpec {
  const places = windowsPlaces(program, env);
  const agent = program === "agent";
  return {
    program,
    name: `giamsat-${program}`,
    description: agent
      ? "giamsat agent: checks this unit's LAN, equipment and services for the city"
      : "giamsat collector: stores what the city's agents report and serves it",
    user: "LocalSystem",
    ...run,
    args: [agent ? "run" : "serve", "--config", places.configFile],
    capabilities: [],
    stateDirectory: places.dataDir,
    configFile: places.configFile,
  };
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Windows' quoting of one command-line word (CommandLineToArgvW rules). */
export function windowsQuote(word: string): string {
  if (word !== "" && !/[\s"]/.test(word)) return word;
  return `"${word.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, "$1$1")}"`;
}

/** WinSW's service definition (its XML configuration file). */
export function winswDefinition(spec: ServiceSpec, places: WindowsPlaces): string {
  const args = [...spec.nodeFlags, spec.script, ...spec.args].map(windowsQuote).join(" ");
  return `<!-- Written by giamsat-${spec.program} install; giamsat-${spec.program} uninstall removes it. -->
<service>
  <id>${xmlEscape(spec.name)}</id>
  <name>${xmlEscape(spec.name)}</name>
  <description>${xmlEscape(spec.description)}</description>
  <executable>${xmlEscape(spec.node)}</executable>
  <arguments>${xmlEscape(args)}</arguments>
  <workingdirectory>${xmlEscape(places.dataDir)}</workingdirectory>
  <startmode>Automatic</startmode>
  <delayedAutoStart>true</delayedAutoStart>
  <stoptimeout>30 sec</stoptimeout>
  <onfailure action="restart" delay="10 sec"/>
  <resetfailure>1 hour</resetfailure>
  <logpath>${xmlEscape(places.logDir)}</logpath>
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
</service>
`;
}

/**
 * Only SYSTEM and Administrators may open the folder (agent.yaml holds the agent's token): run on
 * the new folder before anything is written into it.
 */
export function windowsLockCommand(places: WindowsPlaces): string[] {
  return [
    "icacls",
    places.dataDir,
    "/inheritance:r",
    "/grant:r",
    "*S-1-5-18:(OI)(CI)F",
    "/grant:r",
    "*S-1-5-32-544:(OI)(CI)F",
  ];
}

/** The commands that register and start the service, once its files are written. */
export function windowsInstallCommands(places: WindowsPlaces): string[][] {
  return [
    [places.wrapper, "install"],
    [places.wrapper, "start"],
  ];
}

export function windowsUninstallCommands(places: WindowsPlaces): string[][] {
  return [
    [places.wrapper, "stop"],
    [places.wrapper, "uninstall"],
  ];
}

/** WinSW as the Windows package ships it: winsw.exe at the top of giamsat's folder. */
export function shippedWrapper(programDir: string): string {
  return win32.join(programDir, "winsw.exe");
}

function run(words: readonly string[], say: (line: string) => void): void {
  const [command, ...args] = words as [string, ...string[]];
  const result = spawnSync(command, args, { encoding: "utf8", windowsHide: true });
  if (result.error || result.status !== 0) {
    const said = result.error?.message ?? (result.stderr || result.stdout).trim();
    throw new Error(`${words.map(windowsQuote).join(" ")} failed: ${said}`);
  }
  say(`ran ${words.map(windowsQuote).join(" ")}`);
}

/** %ProgramData%\giamsat, made and locked before the config is written into it. */
export function prepareWindowsFolder(program: ProgramName, say: (line: string) => void): void {
  const places = windowsPlaces(program);
  mkdirSync(places.logDir, { recursive: true });
  run(windowsLockCommand(places), say);
}

export function installWindows(
  spec: ServiceSpec,
  programDir: string,
  say: (line: string) => void,
): void {
  const places = windowsPlaces(spec.program);
  const wrapper = shippedWrapper(programDir);
  if (!existsSync(wrapper)) {
    throw new Error(`${wrapper} is missing: unpack the whole giamsat Windows package again`);
  }
  copyFileSync(wrapper, places.wrapper);
  writeFileSync(places.definition, winswDefinition(spec, places));
  for (const command of windowsInstallCommands(places)) run(command, say);
}

export function uninstallWindows(
  spec: ServiceSpec,
  options: { remove: readonly string[]; purge: boolean },
  say: (line: string) => void,
): void {
  const places = windowsPlaces(spec.program);
  if (existsSync(places.wrapper)) {
    for (const command of windowsUninstallCommands(places)) run(command, say);
    rmSync(places.wrapper, { force: true });
    rmSync(places.definition, { force: true });
  }
  for (const path of options.remove) rmSync(path, { force: true });
  if (options.purge) rmSync(places.dataDir, { recursive: true, force: true });
}
