// The giamsat-agent program's commands: run the agent, check its config, every check and the link
// once, or ask the running agent for its status. Loaded by cli.ts once the V8 settings are right.
import { parseCommand, requireOption, runMain } from "../shared/cli.js";
import { ConfigError } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import { checkOnce } from "./check-command.js";
import { loadAgentConfig, loadBufferPath } from "./config.js";
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

Exit codes: 0 success (check, status: everything up), 2 bad config or usage,
1 anything else (check: some check or the link is down; status: no agent answers, or something is down).
`;

const options = {
  config: { type: "string" },
  offline: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const COMMANDS = ["run", "check", "status"];

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
  if (values.offline && command !== "check") {
    throw new ConfigError(`--offline applies to check only (see --help)`);
  }
  const file = requireOption(values, "config");
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
