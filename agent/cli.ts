#!/usr/bin/env -S node --max-semi-space-size=1 --no-opt --single-threaded-gc
// giamsat-agent: run the agent, or check its config and every check once.
// V8 flags above, measured with `npm run bench:agent` (docs/developers/performance.md): a 1 MiB young
// generation; no optimizing compiler (at a few check runs a second TurboFan's compiling costs more
// CPU than its code saves, and its code and the compiler's pages cost about 10 MiB of RSS); garbage
// collection on the main thread only (a heap of 15 MiB gains nothing from helper threads, which
// cost CPU waking up and synchronising).
import { parseCommand, requireOption, runMain, untilSignal } from "../shared/cli.js";
import { ConfigError } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import { startAgent } from "./agent.js";
import { formatCheckTable } from "./check-table.js";
import { loadAgentConfig } from "./config.js";
import { formatGatewaySuggestion, suggestGateway } from "./gateway.js";
import { PROBE_BY_KIND } from "./probes/index.js";
import { type RunOutput, Scheduler } from "./scheduler.js";

const HELP = `giamsat-agent: checks a unit's LAN, equipment, applications and websites and reports to the collector.

Usage:
  giamsat-agent run   --config agent.yaml   run until stopped (SIGINT/SIGTERM)
  giamsat-agent check --config agent.yaml   validate the config, run every check once, print a table

Exit codes: 0 success (check: every check up), 2 bad config or usage,
1 anything else (check: some check is down).
`;

const options = { config: { type: "string" }, help: { type: "boolean", short: "h" } } as const;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  if (command !== "run" && command !== "check") {
    throw new ConfigError(`unknown command "${command}" (see --help)`);
  }
  const { values } = parseCommand(rest, options);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadAgentConfig(requireOption(values, "config"));
  const log = createLogger("giamsat-agent");
  if (command === "check") {
    const scheduler = new Scheduler({
      checks: config.checks,
      probes: PROBE_BY_KIND,
      concurrency: config.concurrency,
      log,
      sink: () => {},
    });
    const [outputs, suggestion] = await Promise.all([
      Promise.all(config.checks.map((check): Promise<RunOutput> => scheduler.runOnce(check))),
      suggestGateway(config.checks),
    ]);
    await scheduler.stop(); // closes what the probes kept open (SNMP sessions)
    process.stdout.write(formatCheckTable(outputs));
    if (suggestion) process.stdout.write(formatGatewaySuggestion(suggestion));
    return outputs.every((o) => o.result.up) ? 0 : 1;
  }
  const agent = startAgent(config, log);
  const signal = await untilSignal();
  log.info({ signal }, "stopping");
  await agent.stop();
  return 0;
}

runMain(() => main(process.argv.slice(2)));
