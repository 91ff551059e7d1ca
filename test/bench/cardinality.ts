// npm run bench:cardinality — what hostile agents can cost a real collector process now that series
// are capped: one agent trying 1,000,000 series, ten agents trying 100,000 each, 60 agents trying
// to pass the collector's cap, 20 agents with the longest labels taken; and, side by side, one agent
// trying 1,000,000 with the caps raised out of the way (what the collector did before). During each
// attempt: the collector's RSS, the size of /metrics and the latency of /healthz.
//
// First, to size limits.seriesPerAgent: the series of the largest real agent, the agent program
// itself with an SNMP check of a device with 48 interfaces (snmpd in a network namespace this
// bench creates and deletes) and its host check. SCENARIOS="one,ten" runs some of the attempts;
// REAL=0 skips the real agent.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import Database from "better-sqlite3";
import WebSocket from "ws";
import { AgentStore } from "../../collector/agents/registry.js";
import { openDatabase } from "../../collector/db/database.js";
import { createNetns } from "../helpers/netns.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { SNMPD_COMMUNITY, startSnmpd } from "../helpers/snmpd-process.js";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function status(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
    readFileSync(`/proc/${pid}/status`, "utf8"),
  );
  return match ? Number(match[1]) * 1024 : 0;
}

function seriesIn(collector: CollectorProcess, agent?: string): Map<string, number> {
  const db = new Database(`${collector.dir}/collector.db`, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT s.metric, count(*) AS n FROM series s JOIN agents a ON a.id = s.agent_id
         WHERE ? IS NULL OR a.name = ? GROUP BY s.metric`,
      )
      .all(agent ?? null, agent ?? null) as { metric: string; n: number }[];
    return new Map(rows.map((r) => [r.metric, r.n]));
  } finally {
    db.close();
  }
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

/** The real agent with a 48-interface SNMP device and its host check: how many series it has. */
async function realAgent(): Promise<void> {
  const ip = peer("ip");
  const bins = { snmpd: peer("snmpd"), snmpget: peer("snmpget"), snmpwalk: peer("snmpwalk") };
  if (!ip || !bins.snmpd || !bins.snmpget || !bins.snmpwalk) {
    console.info("real agent: skipped (ip and Net-SNMP are needed)");
    return;
  }
  const netns = createNetns(ip, "c");
  const dir = tempDir("giamsat-bench-card-");
  let collector: CollectorProcess | undefined;
  const stops: (() => Promise<unknown>)[] = [];
  try {
    // lo, the link to this namespace, and 23 veth pairs: 48 interfaces, a 48-port switch.
    for (let i = 0; i < 23; i++) {
      execFileSync(ip, [
        "-n",
        netns.name,
        "link",
        "add",
        `pa${i}`,
        "type",
        "veth",
        "peer",
        "name",
        `pb${i}`,
      ]);
    }
    const snmpd = await startSnmpd(
      { snmpd: bins.snmpd, snmpget: bins.snmpget, snmpwalk: bins.snmpwalk },
      { ip, netns: netns.name, address: netns.nsAddress, client: netns.hostAddress },
    );
    stops.push(() => snmpd.stop());
    collector = await startCollectorProcess(dir.path);
    stops.push(() => (collector as CollectorProcess).program.stop());
    const config = writeAgentConfig(
      dir.path,
      "switch-room",
      collector.url,
      await collector.enroll("so-tttt", "switch-room"),
      `host: { interval: "2s" }\nchecks:\n  - { name: core-switch, category: lan, kind: snmp, host: "${netns.nsAddress}", port: ${snmpd.port}, community: "${SNMPD_COMMUNITY}", interval: "2s" }\n`,
    );
    const agent = startProgram(AGENT_CLI, ["run", "--config", config]);
    stops.unshift(() => agent.stop());
    let last = -1;
    for (let i = 0; i < 30; i++) {
      await sleep(2000);
      const now = total(seriesIn(collector, "switch-room"));
      if (now > 0 && now === last) break;
      last = now;
    }
    const counts = seriesIn(collector, "switch-room");
    const interfaces = counts.get("giamsat_snmp_interface_up") ?? 0;
    console.info(
      `real agent, SNMP device with ${interfaces} interfaces and the host check: ${total(counts)} series`,
    );
    for (const [metric, n] of [...counts].sort()) console.info(`  ${metric.padEnd(48)} ${n}`);
  } finally {
    for (const stop of stops) await stop();
    netns.remove();
    dir.remove();
  }
}

/** Samples of distinct series, each `labelChars` long in its own labels, in frames under 1 MiB. */
function hostileBatch(seq: number, from: number, count: number, long: boolean): string {
  const ts = Date.now();
  const samples: string[] = [];
  for (let n = from; n < from + count; n++) {
    if (long) {
      const own = Array.from(
        { length: 8 },
        (_, l) => `"l${l}":"${String(n).padStart(58, String(l))}"`,
      );
      samples.push(
        `{"metric":"giamsat_bench_extra_ratio","labels":{"check":"c","category":"lan","kind":"snmp",${own.join(",")}},"ts":${ts},"value":1}`,
      );
    } else {
      samples.push(
        `{"metric":"giamsat_snmp_interface_up","labels":{"check":"sw","category":"lan","kind":"snmp","interface":"if-${n}"},"ts":${ts},"value":1}`,
      );
    }
  }
  return `{"type":"batch","v":1,"seq":${seq},"sentAt":${ts},"results":[],"samples":[${samples.join(",")}]}`;
}

/** One agent sending `series` new series, 4 batches in flight; resolves with what was refused. */
function hostileAgent(url: string, token: string, series: number, long: boolean): Promise<number> {
  const perBatch = long ? 1500 : 6000;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/agent`, {
      headers: { Authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    let sent = 0;
    let seq = 0;
    let inFlight = 0;
    let refused = 0;
    const pump = () => {
      while (inFlight < 4 && sent < series) {
        const count = Math.min(perBatch, series - sent);
        socket.send(hostileBatch(++seq, sent, count, long));
        sent += count;
        inFlight++;
      }
      if (inFlight === 0 && sent >= series) {
        socket.close();
        resolve(refused);
      }
    };
    socket.on("open", () =>
      socket.send(
        JSON.stringify({
          type: "hello",
          v: 1,
          agentVersion: "bench",
          hostname: "h",
          os: "o",
          bootId: "b",
        }),
      ),
    );
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as {
        type: string;
        samples?: Record<string, number>;
        message?: string;
      };
      if (message.type === "welcome") pump();
      else if (message.type === "refused") {
        for (const n of Object.values(message.samples ?? {})) refused += n;
      } else if (message.type === "ack") {
        inFlight--;
        pump();
      } else if (message.type === "error") reject(new Error(message.message));
    });
    socket.on("error", reject);
  });
}

interface Attempt {
  name: string;
  agents: number;
  seriesEach: number;
  long?: boolean;
  limits?: string;
}

const ATTEMPTS: Record<string, Attempt> = {
  one: { name: "1 agent × 1,000,000 series", agents: 1, seriesEach: 1_000_000 },
  ten: { name: "10 agents × 100,000 series", agents: 10, seriesEach: 100_000 },
  full: {
    name: "60 agents × 5,000 series (past the collector's cap)",
    agents: 60,
    seriesEach: 5000,
  },
  long: {
    name: "20 agents × 5,000 series with the longest labels taken (11, 505 characters)",
    agents: 20,
    seriesEach: 5000,
    long: true,
  },
  uncapped: {
    name: "1 agent × 1,000,000 series, caps raised out of the way",
    agents: 1,
    seriesEach: 1_000_000,
    limits: "limits: { seriesPerAgent: 10000000, seriesPerCollector: 100000000 }\n",
  },
};

async function attempt(spec: Attempt): Promise<void> {
  const dir = tempDir("giamsat-bench-card-");
  const units = Array.from({ length: 11 }, (_, i) => `  - { id: unit-${i}, name: "Unit ${i}" }`);
  const collector = await startCollectorProcess(
    dir.path,
    `${spec.limits ?? ""}units:\n${units.join("\n")}\n`,
  );
  const pid = collector.program.child.pid as number;
  try {
    const db = openDatabase(`${collector.dir}/collector.db`);
    const store = new AgentStore(db);
    const tokens = Array.from(
      { length: spec.agents },
      (_, i) => store.enroll(`unit-${i % 11}`, `hostile-${i}`, Date.now()).token,
    );
    db.close();
    const rssBefore = status(pid, "VmRSS");
    const health: number[] = [];
    let metricsBytes = 0;
    let sampling = true;
    const probes = (async () => {
      for (let k = 0; sampling; k++) {
        const started = performance.now();
        await fetch(`${collector.url}/healthz`).then((r) => r.text());
        health.push(performance.now() - started);
        if (k % 10 === 0) {
          const text = await fetch(`${collector.url}/metrics`).then((r) => r.arrayBuffer());
          metricsBytes = Math.max(metricsBytes, text.byteLength);
        }
        await sleep(200);
      }
    })();
    const started = performance.now();
    const refused = await Promise.all(
      tokens.map((token) =>
        hostileAgent(collector.url, token, spec.seriesEach, spec.long === true),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    await sleep(2000);
    sampling = false;
    await probes;
    const finalMetrics = (await fetch(`${collector.url}/metrics`).then((r) => r.arrayBuffer()))
      .byteLength;
    const stored = total(seriesIn(collector));
    health.sort((a, b) => a - b);
    const p = (q: number) =>
      (health[Math.min(health.length - 1, Math.floor(q * health.length))] ?? 0).toFixed(1);
    console.info(
      [
        `${spec.name}: ${seconds.toFixed(1)} s, ${stored.toLocaleString("en")} series stored, ${refused.reduce((a, b) => a + b, 0).toLocaleString("en")} samples refused`,
        `  collector RSS ${(rssBefore / MiB).toFixed(0)} MiB before, peak ${(status(pid, "VmHWM") / MiB).toFixed(0)} MiB, ${(status(pid, "VmRSS") / MiB).toFixed(0)} MiB after`,
        `  /metrics ${(Math.max(metricsBytes, finalMetrics) / MiB).toFixed(1)} MiB at most (${(finalMetrics / MiB).toFixed(1)} MiB after)`,
        `  /healthz during the attempt: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${p(1)} ms (${health.length} requests)`,
      ].join("\n"),
    );
  } finally {
    await collector.program.stop();
    dir.remove();
  }
}

async function main(): Promise<void> {
  console.info(
    `machine: ${cpus()[0]?.model} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()[0]?.toFixed(1)}`,
  );
  if (process.env.REAL !== "0") await realAgent();
  const chosen = (process.env.SCENARIOS ?? "one,ten,full,long,uncapped").split(",");
  for (const key of chosen) {
    const spec = ATTEMPTS[key];
    if (!spec)
      throw new Error(`no scenario "${key}"; there are ${Object.keys(ATTEMPTS).join(", ")}`);
    await attempt(spec);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
