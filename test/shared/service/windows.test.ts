// What giamsat would hand Windows, tested here on Linux since no Windows machine runs the suite: the
// folders under %ProgramData%, WinSW's service definition with the agent's command line, the quoting
// of that line as Windows splits it, the commands install runs, and the .cmd starters in step with
// the agent's V8 flags.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUNTIME_FLAGS } from "../../../agent/runtime.js";
import {
  windowsInstallCommands,
  windowsLockCommand,
  windowsPlaces,
  windowsQuote,
  windowsSpec,
  windowsUninstallCommands,
  winswDefinition,
} from "../../../shared/service/windows.js";
import { ROOT } from "../../helpers/processes.js";

const ENV = { ProgramData: "D:\\Data" };
const RUN = {
  node: "C:\\Program Files\\giamsat\\node\\node.exe",
  nodeFlags: RUNTIME_FLAGS,
  script: "C:\\Program Files\\giamsat\\lib\\dist\\agent\\cli.js",
};

/** Splits a command line as Windows programs do (CommandLineToArgvW), to check the quoting. */
function argv(line: string): string[] {
  const out: string[] = [];
  let word = "";
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\") {
      let n = 0;
      while (line[i + n] === "\\") n++;
      if (line[i + n] === '"') {
        word += "\\".repeat(Math.floor(n / 2));
        if (n % 2 === 1) word += '"';
        else quoted = !quoted;
        i += n;
      } else {
        word += "\\".repeat(n);
        i += n - 1;
      }
      inWord = true;
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (c === " " && !quoted) {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

describe("the agent as a Windows service", () => {
  const spec = windowsSpec("agent", RUN, ENV);
  const places = windowsPlaces("agent", ENV);

  it("keeps config, buffer, logs and the service's files under %ProgramData%\\giamsat", () => {
    expect(places).toEqual({
      dataDir: "D:\\Data\\giamsat",
      configFile: "D:\\Data\\giamsat\\agent.yaml",
      wrapper: "D:\\Data\\giamsat\\giamsat-agent.exe",
      definition: "D:\\Data\\giamsat\\giamsat-agent.xml",
      logDir: "D:\\Data\\giamsat\\logs",
      bufferFile: "D:\\Data\\giamsat\\agent-buffer.db",
    });
    expect(windowsPlaces("agent", {}).configFile).toBe("C:\\ProgramData\\giamsat\\agent.yaml");
    expect(spec.args).toEqual(["run", "--config", "D:\\Data\\giamsat\\agent.yaml"]);
  });

  it("starts Node with the agent's flags and its config, each word intact as Windows splits it", () => {
    const xml = winswDefinition(spec, places);
    expect(xml).toContain("<id>giamsat-agent</id>");
    expect(xml).toContain(`<executable>${RUN.node}</executable>`);
    expect(xml).toContain('<onfailure action="restart" delay="10 sec"/>');
    expect(xml).toContain("<startmode>Automatic</startmode>");
    expect(xml).toContain("<logpath>D:\\Data\\giamsat\\logs</logpath>");
    const line = /<arguments>(.*)<\/arguments>/.exec(xml)?.[1]?.replace(/&quot;/g, '"') ?? "";
    expect(argv(line)).toEqual([
      ...RUNTIME_FLAGS,
      RUN.script,
      "run",
      "--config",
      "D:\\Data\\giamsat\\agent.yaml",
    ]);
  });

  it("quotes words as CommandLineToArgvW reads them back", () => {
    const words = ["C:\\a b\\", 'say "hi"', "plain", "", "tail\\\\", 'C:\\x\\"y'];
    expect(argv(words.map(windowsQuote).join(" "))).toEqual(words);
  });

  it("locks the folder to SYSTEM and Administrators before writing in it, then registers and starts the service", () => {
    expect(windowsLockCommand(places)).toEqual([
      "icacls",
      "D:\\Data\\giamsat",
      "/inheritance:r",
      "/grant:r",
      "*S-1-5-18:(OI)(CI)F",
      "/grant:r",
      "*S-1-5-32-544:(OI)(CI)F",
    ]);
    expect(windowsInstallCommands(places)).toEqual([
      ["D:\\Data\\giamsat\\giamsat-agent.exe", "install"],
      ["D:\\Data\\giamsat\\giamsat-agent.exe", "start"],
    ]);
    expect(windowsUninstallCommands(places)).toEqual([
      ["D:\\Data\\giamsat\\giamsat-agent.exe", "stop"],
      ["D:\\Data\\giamsat\\giamsat-agent.exe", "uninstall"],
    ]);
  });

  it("starts from giamsat-agent.cmd with the same V8 flags as the shebang line", () => {
    const cmd = readFileSync(join(ROOT, "packaging/windows/giamsat-agent.cmd"), "utf8");
    expect(cmd).toContain(
      `"%~dp0node\\node.exe" ${RUNTIME_FLAGS.join(" ")} "%~dp0lib\\dist\\agent\\cli.js" %*`,
    );
  });
});
