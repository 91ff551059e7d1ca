// Whether a program runs on this machine (a database, a shared application's server): how many
// processes match, their CPU share and resident memory. Uses systeminformation's processes().
import { availableParallelism } from "node:os";
import { z } from "zod";
import { METRICS } from "../../shared/metrics.js";
import { defineProbe } from "./probe.js";

/** The part of a systeminformation process record the matching needs. */
export interface ProcessRecord {
  pid: number;
  name: string;
  command: string;
  params: string;
  path: string;
  /** Percent of all cores since the previous processes() call (systeminformation's measure). */
  cpu: number;
  /** Resident memory in KiB, as ps reports it. */
  memRss: number;
}

export interface ProcessMatch {
  /** A piece of the command line (program path and arguments). */
  match?: string;
  /** The exact process name, e.g. "postgres". */
  processName?: string;
}

/** The command line as ps showed it, put back together from systeminformation's pieces. */
export function commandLine(p: ProcessRecord): string {
  const program = p.path ? `${p.path}/${p.command}` : p.command;
  return p.params ? `${program} ${p.params}` : program;
}

/** The processes a check means. The agent never counts itself. */
export function matchingProcesses(
  list: readonly ProcessRecord[],
  want: ProcessMatch,
  self = process.pid,
): ProcessRecord[] {
  return list.filter(
    (p) =>
      p.pid !== self &&
      (want.processName === undefined || p.name === want.processName) &&
      (want.match === undefined || commandLine(p).includes(want.match)),
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export const processProbe = defineProbe({
  kind: "process",
  fields: {
    match: z.string().min(1).max(256).optional(),
    processName: z.string().min(1).max(256).optional(),
    minCount: z.number().int().min(1).max(100_000).default(1),
  },
  refine(check, ctx) {
    if (check.match === undefined && check.processName === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["match"],
        message:
          "is required: a piece of the command line (or give processName, the exact process name)",
      });
    }
  },
  async run(check) {
    // processes() runs ps and reads /proc/<pid>/stat for every process (about 0.3 s and 30-40 ms
    // of CPU for 75 processes); it cannot be stopped, and ends by itself. Within 500 ms of its last
    // run it hands out the same list again, so checks running together share one ps.
    // Loaded on first use, so agents without process checks never hold systeminformation's code.
    const { default: si } = await import("systeminformation");
    const { list } = await si.processes();
    const found = matchingProcesses(list, check);
    const count = found.length;
    // systeminformation gives percent of all cores; the metric counts one core as 1.
    const cpu = (found.reduce((sum, p) => sum + p.cpu, 0) / 100) * availableParallelism();
    const memory = found.reduce((sum, p) => sum + p.memRss, 0) * 1024;
    const samples = [
      { metric: METRICS.processCount.name, value: count },
      { metric: METRICS.processCpu.name, value: cpu },
      { metric: METRICS.processMemory.name, value: memory },
    ];
    const summary = {
      count: String(count),
      cpu: `${(cpu * 100).toFixed(0)}%`,
      memory: mebibytes(memory),
    };
    if (count >= check.minCount) return { up: true, samples, summary };
    const what = [
      check.processName === undefined ? "" : `named "${check.processName}"`,
      check.match === undefined ? "" : `matching "${check.match}"`,
    ]
      .filter(Boolean)
      .join(" and ");
    const message =
      count === 0
        ? `no process ${what}`
        : `${count} process${count === 1 ? "" : "es"} ${what}, fewer than minCount ${check.minCount}`;
    return { up: false, reason: "not_found", message, samples, summary };
  },
});
