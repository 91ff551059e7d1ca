// Loads checks from agent.yaml text the way the agent does, and runs one once through the scheduler.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadAgentConfig } from "../../agent/config.js";
import { PROBE_BY_KIND } from "../../agent/probes/index.js";
import { type RunOutput, Scheduler } from "../../agent/scheduler.js";
import type { CheckBase } from "../../shared/config/agent.js";
import { ConfigError } from "../../shared/errors.js";
import { silentLogger } from "../../shared/log.js";

export const AGENT_BASE = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\nhost: false\n`;

/** Writes agent.yaml with these lines under `checks:` into `dir`; returns the file. */
export function writeChecks(dir: string, checks: string[], file = "agent.yaml"): string {
  const path = join(dir, file);
  writeFileSync(path, `${AGENT_BASE}checks:\n${checks.map((c) => `  ${c}\n`).join("")}`);
  return path;
}

/** The checks of an agent.yaml holding these lines, with the schema's defaults filled in. */
export function loadChecks(dir: string, checks: string[]): CheckBase[] {
  return loadAgentConfig(writeChecks(dir, checks)).checks;
}

/** The message loading these checks fails with, the file's path replaced by "agent.yaml". */
export function configError(dir: string, checks: string[]): string {
  const file = writeChecks(dir, checks);
  try {
    loadAgentConfig(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message.replaceAll(file, "agent.yaml");
  }
  throw new Error("config was accepted");
}

/** Runs one check once, with its timeout, as `giamsat-agent check` does. */
export function runCheck(check: CheckBase): Promise<RunOutput> {
  const scheduler = new Scheduler({
    checks: [check],
    probes: PROBE_BY_KIND,
    concurrency: 1,
    log: silentLogger(),
    sink: () => {},
  });
  return scheduler.runOnce(check);
}

/** The value of one sample of a run, by metric name. */
export function sampleValue(output: RunOutput, metric: string): number | undefined {
  return output.samples.find((s) => s.metric === metric)?.value;
}
