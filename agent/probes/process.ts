// Whether a program runs on this machine (a database, a shared application's server): how many
// processes match, their CPU share since the previous run and their resident memory. On Linux the
// process table is read from /proc (process-linux.ts); elsewhere through systeminformation, which
// runs ps or its platform's equivalent.
import { availableParallelism } from "node:os";
import { processCheckSchema } from "../../shared/config/checks/process.js";
import { METRICS } from "../../shared/metrics.js";
import { defineProbe } from "./probe.js";
import {
  listProcesses,
  type ProcessRecord,
  processUsage,
  programName,
  uptimeSeconds,
} from "./process-linux.js";

export type { ProcessRecord };

export interface ProcessMatch {
  /** A piece of the command line (program path and arguments). */
  match?: string;
  /** The exact program name, e.g. "postgres". */
  processName?: string;
}

/** The processes a check means. The agent never counts itself. */
export function matchingProcesses<R extends ProcessRecord>(
  list: readonly R[],
  want: ProcessMatch,
  self = process.pid,
): R[] {
  return list.filter(
    (p) =>
      p.pid !== self &&
      (want.processName === undefined || p.name === want.processName) &&
      (want.match === undefined || p.commandLine.includes(want.match)),
  );
}

/** What the matching processes use: CPU (1 is one core fully busy) and resident bytes. */
interface Usage {
  count: number;
  cpu: number;
  memory: number;
}

/** CPU seconds of each process a check matched at its previous run, and when that was. */
interface CpuSnapshot {
  at: number;
  seconds: Map<number, number>;
}

/**
 * Each check's previous snapshot, to measure CPU between two runs. Keyed by the check's own object,
 * so a check removed by a reload takes its snapshot with it.
 */
const previousCpu = new WeakMap<object, CpuSnapshot>();

/** Linux: count and memory now; CPU since the previous run, or over each process's life at first. */
function linuxUsage(check: object, want: ProcessMatch): Usage {
  const now = Date.now();
  const uptime = uptimeSeconds();
  const previous = previousCpu.get(check);
  const seconds = new Map<number, number>();
  let count = 0;
  let memory = 0;
  let cpuSeconds = 0;
  let lifetimeShare = 0;
  for (const { pid } of matchingProcesses(listProcesses(), want)) {
    const usage = processUsage(pid);
    if (!usage) continue; // ended since the table was read
    count++;
    memory += usage.rssBytes;
    seconds.set(pid, usage.cpuSeconds);
    // A process that was not there at the previous run counts from its start.
    cpuSeconds += usage.cpuSeconds - (previous?.seconds.get(pid) ?? 0);
    const age = uptime - usage.startedAfterBootSeconds;
    if (age > 0) lifetimeShare += usage.cpuSeconds / age;
  }
  previousCpu.set(check, { at: now, seconds });
  const elapsed = previous ? (now - previous.at) / 1000 : 0;
  const cpu = elapsed > 0 ? Math.max(0, cpuSeconds) / elapsed : lifetimeShare;
  return { count, cpu, memory };
}

/** Other platforms: systeminformation's list, whose CPU is a percent of all cores since its last call. */
async function systeminformationUsage(want: ProcessMatch): Promise<Usage> {
  // Loaded on first use, so agents without process checks never hold systeminformation's code.
  const { default: si } = await import("systeminformation");
  const { list } = await si.processes();
  const records = list.map((p) => {
    const program = p.path ? `${p.path}/${p.command}` : p.command;
    const commandLine = p.params ? `${program} ${p.params}` : program;
    return { pid: p.pid, name: programName(commandLine), commandLine, p };
  });
  const found = matchingProcesses(records, want);
  return {
    count: found.length,
    cpu: (found.reduce((sum, r) => sum + r.p.cpu, 0) / 100) * availableParallelism(),
    memory: found.reduce((sum, r) => sum + r.p.memRss, 0) * 1024,
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export const processProbe = defineProbe({
  schema: processCheckSchema,
  async run(check) {
    const { count, cpu, memory } =
      process.platform === "linux" ? linuxUsage(check, check) : await systeminformationUsage(check);
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
