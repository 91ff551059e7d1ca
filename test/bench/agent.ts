// npm run bench:agent — agents with 100 checks each (ping, http, tcp, snmp against local peers)
// report to a real collector for a few minutes; prints each agent's RSS and CPU time per check run.
// Two agents run side by side: the mix with ping, and the same without ping (ping spawns a process
// per run, so its cost shows as the difference). KINDS=process measures the process kind, which
// looks for the collector's own process.

import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { findBinary } from "../helpers/peers.js";
import {
  AGENT_CLI,
  COLLECTOR_CLI,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
} from "../helpers/processes.js";
import { SNMPD_COMMUNITY, type Snmpd, startSnmpd } from "../helpers/snmpd-process.js";

const MINUTES = Number(process.env.MINUTES ?? 3);
const INTERVAL = process.env.INTERVAL ?? "30s";
/** CHECKS=0 measures what an idle agent costs (then CPU per second is the figure to read). */
const CHECKS = Number(process.env.CHECKS ?? 100);

/** utime + stime of a process and its waited-for children, in seconds (/proc/PID/stat). */
function cpuSeconds(pid: number): { own: number; user: number; system: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const tick = 100; // USER_HZ on Linux
  const at = (i: number) => Number(fields[i - 3]);
  return {
    own: (at(14) + at(15)) / tick,
    user: at(14) / tick,
    system: at(15) / tick,
    children: (at(16) + at(17)) / tick,
  };
}

/** Node flags on a built agent's shebang line (`#!/usr/bin/env -S node FLAGS`). */
function shebangFlags(cli: string): string[] {
  const line = readFileSync(cli, "utf8").split("\n", 1)[0] ?? "";
  return line.split(/\s+/).filter((word) => word.startsWith("--"));
}

/**
 * The process that runs the checks: the started one, or its one child when it started the agent
 * again with the V8 flags (runtime.ts on Node without process.execve).
 */
function agentPid(pid: number): { agent: number; supervisor?: number } {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
    const child = Number(children[0]);
    if (children.length === 1 && child > 0) return { agent: child, supervisor: pid };
  } catch {
    // no children file: the process itself
  }
  return { agent: pid };
}

/** RSS and PSS of a supervising process: PSS counts the pages it shares with the agent by halves. */
function supervisorMemory(pid: number): string {
  const rss = memory(pid).rss;
  let pss = Number.NaN;
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    pss = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1]) * 1024;
  } catch {
    // no smaps_rollup
  }
  return `RSS ${(rss / 2 ** 20).toFixed(0)} MiB, PSS ${(pss / 2 ** 20).toFixed(0)} MiB`;
}

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) =>
    Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

async function main(): Promise<void> {
  const dir = tempDir("giamsat-bench-agent-");
  const http = createHttpServer((_req, res) =>
    res.end("<html><body>Cổng thông tin điện tử</body></html>"),
  );
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const tcp = createTcpServer((socket) => socket.end());
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  const httpPort = (http.address() as AddressInfo).port;
  const tcpPort = (tcp.address() as AddressInfo).port;

  const bins = {
    snmpd: findBinary("snmpd"),
    snmpget: findBinary("snmpget"),
    snmpwalk: findBinary("snmpwalk"),
  };
  let snmpd: Snmpd | undefined;
  if (bins.snmpd && bins.snmpget && bins.snmpwalk) {
    snmpd = await startSnmpd({ snmpd: bins.snmpd, snmpget: bins.snmpget, snmpwalk: bins.snmpwalk });
  } else {
    console.log("snmpd is not installed: snmp checks are replaced by tcp checks");
  }

  const check = (kind: string, i: number): string => {
    const base = `name: ${kind}-${i}, interval: "${INTERVAL}"`;
    switch (kind) {
      case "ping":
        return `{ ${base}, category: lan, kind: ping, host: "127.0.0.1", count: 3, packetInterval: "200ms" }`;
      case "http":
        return `{ ${base}, category: website, kind: http, url: "http://127.0.0.1:${httpPort}/", contains: "Cổng thông tin" }`;
      case "process":
        return `{ ${base}, category: shared_software, kind: process, match: "collector/cli.js" }`;
      case "snmp":
        return snmpd
          ? `{ ${base}, category: lan, kind: snmp, host: "127.0.0.1", port: ${snmpd.port}, community: "${SNMPD_COMMUNITY}" }`
          : `{ ${base}, category: lan, kind: tcp, host: "127.0.0.1", port: ${tcpPort} }`;
      default:
        return `{ ${base}, category: shared_software, kind: tcp, host: "127.0.0.1", port: ${tcpPort} }`;
    }
  };
  const mix = (kinds: string[]) =>
    Array.from(
      { length: CHECKS },
      (_, i) => `  - ${check(kinds[i % kinds.length] as string, i)}`,
    ).join("\n");

  const collector = await startCollectorProcess(dir.path);
  // KINDS=tcp,http runs one agent of just those kinds; KINDS="tcp;http;snmp" runs one agent per
  // kind side by side, to see what each costs.
  const only = process.env.KINDS?.split(";").map((group) => group.split(","));
  const specs = only
    ? only.map((kinds) => ({ name: kinds.join("-"), kinds }))
    : [
        { name: "with-ping", kinds: ["ping", "http", "tcp", "snmp"] },
        { name: "without-ping", kinds: ["http", "tcp", "snmp"] },
      ];
  // BASELINE=/other/checkout (built) runs its agent beside this one on the same mix: before and
  // after a change, measured in the same conditions.
  const baseline = process.env.BASELINE;
  // BARE=1 runs, beside each agent, the same agent started as `node dist/agent/cli.js run`, without
  // the V8 flags of the shebang line (it starts again with them, runtime.ts): its RSS is measured
  // in the process that runs the checks, and the supervisor's apart when there is one.
  const bare = process.env.BARE === "1";
  const agents = specs.flatMap((spec) => [
    { ...spec, token: "", cli: AGENT_CLI, bare: false },
    ...(bare
      ? [{ ...spec, name: `${spec.name}-bare`, token: "", cli: AGENT_CLI, bare: true }]
      : []),
    ...(baseline
      ? [
          {
            ...spec,
            name: `${spec.name}-base`,
            token: "",
            cli: join(baseline, "dist/agent/cli.js"),
            bare: false,
          },
        ]
      : []),
    ...(baseline && bare
      ? [
          {
            ...spec,
            name: `${spec.name}-base-bare`,
            token: "",
            cli: join(baseline, "dist/agent/cli.js"),
            bare: true,
          },
        ]
      : []),
  ]);
  for (const agent of agents) agent.token = await collector.enroll("so-tttt", agent.name);
  const programs = agents.map((agent) => {
    const file = join(dir.path, `${agent.name}.yaml`);
    writeFileSync(
      file,
      `collector: "${collector.url.replace("http", "ws")}/agent"\ntoken: "${agent.token}"\nbuffer: { path: "./${agent.name}.db" }\nhost: false\nchecks:${CHECKS > 0 ? `\n${mix(agent.kinds)}` : " []"}\n`,
    );
    // AGENT_FLAGS="--cpu-prof --cpu-prof-dir=prof" adds Node flags to the agents, e.g. to profile them.
    const nodeFlags = process.env.AGENT_FLAGS?.split(" ").filter(Boolean) ?? [];
    return {
      ...agent,
      program: startProgram(
        agent.cli,
        ["run", "--config", file],
        {},
        {
          // Each agent runs with the Node flags of its own shebang line, as its users run it, so a
          // change of flags shows against the baseline too.
          nodeFlags:
            agent.cli === AGENT_CLI || agent.bare
              ? nodeFlags
              : [...shebangFlags(agent.cli), ...nodeFlags],
          withoutShebangFlags: agent.bare,
        },
      ),
    };
  });

  // Start-up (loading code, first connections) is left out: measure from one interval in.
  const intervalMs = Number.parseInt(INTERVAL, 10) * (INTERVAL.endsWith("ms") ? 1 : 1000);
  await new Promise((r) => setTimeout(r, intervalMs + 2000));
  /** Check runs the collector stored for the agent in the window: one giamsat_check_up sample each. */
  const runs = async (agent: string, from: number, to: number) => {
    const out = await runCli(COLLECTOR_CLI, [
      "export",
      "--config",
      collector.configFile,
      "--agent",
      agent,
      "--metric",
      "giamsat_check_up",
      "--from",
      String(from),
      "--to",
      String(to),
    ]);
    return out.stdout.split("\n").filter(Boolean).length;
  };
  const pids = programs.map((p) => agentPid(p.program.child.pid as number));
  const before = programs.map((_, i) => ({ cpu: cpuSeconds(pids[i]?.agent as number) }));
  const started = Date.now();
  let peak = programs.map(() => 0);
  while (Date.now() - started < MINUTES * 60_000) {
    await new Promise((r) => setTimeout(r, 5000));
    peak = programs.map((_, i) => Math.max(peak[i] ?? 0, memory(pids[i]?.agent as number).rss));
  }
  const elapsedS = (Date.now() - started) / 1000;
  const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  console.log(
    `${CHECKS} checks per agent every ${INTERVAL}, measured over ${elapsedS.toFixed(0)} s after a first interval`,
  );
  for (const [i, p] of programs.entries()) {
    const { agent: pid, supervisor } = pids[i] ?? { agent: p.program.child.pid as number };
    const cpu = cpuSeconds(pid);
    const start = before[i]?.cpu ?? { own: 0, user: 0, system: 0, children: 0 };
    const runCount = await runs(p.name, started, started + elapsedS * 1000);
    const own = cpu.own - start.own;
    const children = cpu.children - start.children;
    const mem = memory(pid);
    console.log(
      `${p.name.padEnd(18)} kinds ${p.kinds.join("/")}: ${runCount} check runs; ` +
        `agent CPU ${own.toFixed(2)} s (user ${(cpu.user - start.user).toFixed(2)}, system ${(cpu.system - start.system).toFixed(2)}) = ${((own / runCount) * 1000).toFixed(2)} ms per run, ${((own / elapsedS) * 1000).toFixed(1)} ms per second` +
        (children > 0
          ? ` (+ child processes ${((children / runCount) * 1000).toFixed(2)} ms per run)`
          : "") +
        `; RSS ${(mem.rss / 2 ** 20).toFixed(0)} MiB now, ${(Math.max(peak[i] ?? 0, mem.rss) / 2 ** 20).toFixed(0)} MiB max sampled, ${(mem.peak / 2 ** 20).toFixed(0)} MiB peak (VmHWM)` +
        (supervisor ? `; supervisor ${supervisorMemory(supervisor)}` : ""),
    );
  }
  for (const p of programs) await p.program.stop();
  await collector.program.stop();
  await snmpd?.stop();
  http.close();
  tcp.close();
  dir.remove();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
