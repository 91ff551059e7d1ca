// `giamsat-agent check`: every check once, and the link to the collector once (unless --offline),
// printed as one table; exit 0 only when everything is up.
import type { Logger } from "../shared/log.js";
import { agentHello, collectorAddress } from "./agent.js";
import { formatCheckTable, type TableRow } from "./check-table.js";
import { type LinkTest, testLink } from "./collector-socket.js";
import type { AgentConfig } from "./config.js";
import { formatGatewaySuggestion, suggestGateway } from "./gateway.js";
import { PROBE_BY_KIND } from "./probes/index.js";
import { type RunOutput, Scheduler } from "./scheduler.js";

/** The link's row: the collector's name for this unit and agent when it took the token. */
export function linkRow(test: LinkTest): TableRow {
  const duration = `${test.durationMs} ms`;
  if (!test.up) return ["(collector)", "", "link", "DOWN", test.advice.message, duration, ""];
  return [
    "(collector)",
    "",
    "link",
    "up",
    "",
    duration,
    `unit=${test.unit} agent=${test.agent} tls=${test.tls}`,
  ];
}

export async function checkOnce(
  config: AgentConfig,
  log: Logger,
  options: { offline: boolean },
): Promise<{ text: string; ok: boolean }> {
  const scheduler = new Scheduler({
    checks: config.checks,
    probes: PROBE_BY_KIND,
    concurrency: config.concurrency,
    log,
    sink: () => {},
  });
  const [outputs, suggestion, link] = await Promise.all([
    Promise.all(config.checks.map((check): Promise<RunOutput> => scheduler.runOnce(check))),
    suggestGateway(config.checks),
    options.offline ? undefined : testLink(collectorAddress(config), agentHello(config)),
  ]);
  await scheduler.stop(); // closes what the probes kept open (SNMP sessions)
  let text = formatCheckTable(outputs, link && linkRow(link));
  if (suggestion) text += formatGatewaySuggestion(suggestion);
  return { text, ok: outputs.every((o) => o.result.up) && (link?.up ?? true) };
}
