// The giamsat-agent program's commands: run the agent, check its config, every check and the link
// once, ask the running agent for its status, enroll with a unit's code, and install or uninstall
// the agent as a service. Loaded by cli.ts once the V8 settings are right.
import { parseCommand, requireOption, runMain } from "../shared/cli.js";
import { ConfigError } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import { loadBufferPath } from "./buffer-path.js";
import { checkOnce } from "./check-command.js";
import { loadAgentConfig } from "./config.js";
import { runAgent } from "./run.js";
import { NoAgentError, readStatus } from "./status/client.js";
import { statusEndpoint } from "./status/endpoint.js";
import { type AgentStatus, formatStatus } from "./status/report.js";

const HELP = `giamsat-agent: checks a unit's LAN, equipment, applications and websites and reports to the collector.

Usage:
  giamsat-agent run --config agent.yaml      run until stopped (SIGINT/SIGTERM); SIGHUP reloads agent.yaml
  giamsat-agent check --config agent.yaml [--offline]
      validate the config, run every check once, test the link to the collector (not with --offline),
      and print a table
  giamsat-agent status --config agent.yaml   ask the running agent for its checks, link and buffer
  giamsat-agent enroll --collector URL --code CODE --config agent.yaml [--ca FILE] [--pin SHA256]
      trade a unit's enrollment code for this agent's own token (once) and write agent.yaml
  giamsat-agent install --config agent.yaml [--root DIR]
  giamsat-agent install --collector URL --code CODE [--ca FILE] [--pin SHA256] [--root DIR]
      as root (Windows: as administrator): install the agent as a service with this agent.yaml, or
      enrolled here with a code: a system user, /etc/giamsat/agent.yaml (mode 0600), its buffer in
      /var/lib/giamsat, a systemd unit, enabled and started (Windows: a service, %ProgramData%giamsat);
      again without options: install the service again with the agent.yaml already there
  giamsat-agent uninstall [--purge] [--root DIR]
      stop and remove the service and agent.yaml (its token); the buffer stays unless --purge
      (which also removes the system user). --root DIR: a system in DIR instead of this one

Exit codes: 0 success (check, status: everything up), 2 bad config or usage,
1 anything else (check: some check or the link is down; status: no agent answers, or something is down).
`;

const options = {
  config: { type: "string" },
  offline: { type: "boolean" },
  collector: { type: "string" },
  code: { type: "string" },
  ca: { type: "string" },
  pin: { type: "string" },
  root: { type: "string" },
  purge: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const COMMANDS = ["run", "check", "status", "enroll", "install", "uninstall"];

/** The options each command takes besides --help; any other is a usage mistake. */
const TAKES: Record<string, readonly string[]> = {
  run: ["config"],
  check: ["config", "offline"],
  status: ["config"],
  enroll: ["config", "collector", "code", "ca", "pin"],
  install: ["config", "collector", "code", "ca", "pin", "root"],
  uninstall: ["purge", "root"],
};

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) {
    throw new ConfigError(`unknown command "${command}" (see --help)`);
  }
  const { values } = parseCommand(rest, options);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && name !== "help" && !TAKES[command]?.includes(name)) {
      throw new ConfigError(`--${name} does not apply to ${command} (see --help)`);
    }
  }
  if (command === "install" || command === "uninstall") {
    const { installAgent, uninstallAgent } = await import("./install.js");
    if (command === "uninstall")
      uninstallAgent({ purge: values.purge === true, root: values.root }, say);
    else await installAgent(values, say);
    return 0;
  }
  const file = requireOption(values, "config");
  if (command === "enroll") {
    const { checkConfigFolder, checkConfigFree, redeemCode, writeEnrolledConfig } = await import(
      "./enroll.js"
    );
    const enroll = {
      collector: requireOption(values, "collector"),
      code: requireOption(values, "code"),
      ca: values.ca,
      pin: values.pin,
    };
    checkConfigFolder(file);
    checkConfigFree(file);
    const enrolled = await redeemCode(enroll);
    writeEnrolledConfig(file, enroll, enrolled);
    say(
      `Enrolled as agent "${enrolled.agent}" of unit "${enrolled.unit}"; wrote ${file} (mode 0600) with its token. Add checks to it, then: giamsat-agent check --config ${file}`,
    );
    return 0;
  }
  if (command === "status") {
    // Only buffer.path is needed to find the agent: a mistake elsewhere (an edit not yet reloaded)
    // must not hide the running agent.
    const buffer = loadBufferPath(file);
    try {
      const status = await readStatus(statusEndpoint(buffer), buffer);
      process.stdout.write(formatStatus(status));
      const healthy =
        status.link.state === "open" &&
        !status.buffer.disk &&
        status.checks.every((check) => check.last?.up !== false);
      return healthy ? 0 : 1;
    } catch (error) {
      if (!(error instanceof NoAgentError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
  }
  const config = loadAgentConfig(file);
  let lastError: AgentStatus["lastError"];
  const log = createLogger("giamsat-agent", {
    onError: (line) => {
      lastError = line;
    },
  });
  if (command === "check") {
    const { text, ok } = await checkOnce(config, log, { offline: values.offline === true });
    process.stdout.write(text);
    return ok ? 0 : 1;
  }
  return runAgent(file, config, log, () => lastError);
}

runMain(() => main(process.argv.slice(2)));
