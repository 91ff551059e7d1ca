// Runs one check the way the agent does: written into an agent.yaml, loaded, run by the scheduler.
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { join } from "node:path";
import { expect } from "vitest";
import { loadAgentConfig } from "../../agent/config.js";
import { PROBE_BY_KIND } from "../../agent/probes/index.js";
import { type RunOutput, Scheduler } from "../../agent/scheduler.js";
import type { CheckBase } from "../../shared/config/agent.js";
import { ConfigError } from "../../shared/errors.js";
import { silentLogger } from "../../shared/log.js";

export const AGENT_BASE = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\nhost: false\n`;

/** Writes agent.yaml in `dir` with the given checks (YAML flow mappings, one a line). */
export function writeChecks(dir: string, checks: string[], file = "agent.yaml"): string {
  const path = join(dir, file);
  writeFileSync(path, `${AGENT_BASE}checks:\n${checks.map((c) => `  - ${c}\n`).join("")}`);
  return path;
}

/** The checks of an agent.yaml holding these checks, with the schema's defaults filled in. */
export function loadChecks(dir: string, checks: string[]): CheckBase[] {
  return loadAgentConfig(writeChecks(dir, checks)).checks;
}

/** Runs one loaded check once, with its timeout, as `giamsat-agent check` does. */
export async function runLoaded(check: CheckBase): Promise<RunOutput> {
  const scheduler = new Scheduler({
    checks: [check],
    probes: PROBE_BY_KIND,
    concurrency: 1,
    log: silentLogger(),
    sink: () => {},
  });
  try {
    return await scheduler.runOnce(check);
  } finally {
    await scheduler.stop();
  }
}

/** Loads and runs the one check given as a YAML flow mapping. */
export async function runCheck(dir: string, check: string): Promise<RunOutput> {
  const [first] = loadChecks(dir, [check]);
  if (!first) throw new Error("no check in the config");
  return runLoaded(first);
}

/** The message loading these checks fails with, the file shown as "agent.yaml". */
export function configError(dir: string, checks: string[]): string {
  const file = writeChecks(dir, checks, "bad.yaml");
  try {
    loadAgentConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replaceAll(file, "agent.yaml");
  }
  throw new Error("config was accepted");
}

/** The value of the one sample of `metric`, or undefined. */
export function sampleValue(output: RunOutput, metric: string): number | undefined {
  const found = output.samples.filter((s) => s.metric === metric);
  if (found.length > 1) throw new Error(`${found.length} samples of ${metric}`);
  return found[0]?.value;
}

/** Resolves when the server side of a connection sees it closed; fails after `ms`. */
export async function closedWithin(socket: Socket | undefined, ms = 5000): Promise<void> {
  if (!socket) throw new Error("no connection was made");
  if (socket.destroyed) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      once(socket, "close"),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The run took the check's timeout, give or take the scheduling delays of a busy machine. */
export function expectEndedAtTimeout(output: RunOutput, timeoutMs: number): void {
  expect(output.result).toMatchObject({ up: false, reason: "timeout" });
  expect(output.result.duration).toBeGreaterThanOrEqual((timeoutMs - 10) / 1000);
  expect(output.result.duration).toBeLessThan((timeoutMs + 1000) / 1000);
}

/**
 * The cells of one row of `giamsat-agent check`'s table, by column name, with text that wrapped
 * onto further lines joined back with spaces. The row is the one whose CHECK cell is `check`.
 */
export function tableRow(stdout: string, check: string): Record<string, string> | undefined {
  const lines = stdout.split("\n");
  const header = lines[0] ?? "";
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], start: m.index }));
  const cells = (line: string) =>
    columns.map((column, i) =>
      line.slice(column.start, columns[i + 1]?.start ?? line.length).trim(),
    );
  const first = lines.findIndex((line, i) => i > 0 && cells(line)[0] === check);
  if (first < 0) return undefined;
  const parts = columns.map(() => [] as string[]);
  for (let i = first; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "" || (i > first && line.slice(0, columns[1]?.start).trim() !== "")) break;
    cells(line).forEach((cell, c) => {
      if (cell) parts[c]?.push(cell);
    });
  }
  return Object.fromEntries(columns.map((column, c) => [column.name, parts[c]?.join(" ") ?? ""]));
}
