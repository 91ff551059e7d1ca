// npm run bench:remote-write — the cost of forwarding. In one run, on this machine, simulated
// agents on loopback drive a real collector process as hard as it goes: storing only; storing and
// queueing while the receiver (a real VictoriaMetrics) is down; then forwarding the backlog alone;
// then storing and forwarding together; then a steady offered load, to see how far behind
// forwarding stays. Prints samples/s, collector CPU per sample, and the ratios.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { AgentStore } from "../../collector/store/agents.js";
import { openDatabase } from "../../collector/store/database.js";
import { syncUnits } from "../../collector/store/units.js";
import { find, parseExposition } from "../helpers/metrics.js";
import { findBinary } from "../helpers/peers.js";
import { COLLECTOR_CLI, tempDir } from "../helpers/processes.js";
import { startVictoriaMetrics, type VictoriaMetrics } from "../helpers/victoria-metrics.js";

const AGENTS = Number(process.env.AGENTS ?? 1000);
const CHECKS = 10;
const SAMPLES = 90;
const PER_BATCH = CHECKS * 2 + SAMPLES;
const IN_FLIGHT = 2;
const WARMUP_S = Number(process.env.WARMUP ?? 5);
const MEASURE_S = Number(process.env.SECONDS ?? 20);
const RATE = Number(process.env.RATE ?? 20_000);

function batchJson(seq: number, ts: number): string {
  const results: string[] = [];
  const samples: string[] = [];
  for (let c = 0; c < CHECKS; c++) {
    results.push(
      `{"check":"c${c}","category":"lan","kind":"snmp","ts":${ts},"up":true,"duration":0.0${c + 1}}`,
    );
    for (let i = 0; i < SAMPLES / CHECKS; i++) {
      samples.push(
        `{"metric":"giamsat_snmp_interface_receive_bytes_total","labels":{"check":"c${c}","category":"lan","kind":"snmp","interface":"ge-0/0/${i}"},"ts":${ts},"value":${seq * 1000 + i}}`,
      );
    }
  }
  return `{"type":"batch","v":1,"seq":${seq},"sentAt":${Date.now()},"results":[${results.join(",")}],"samples":[${samples.join(",")}]}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Collector {
  url: string;
  child: ChildProcess;
  tokens: string[];
  dir: { path: string; remove(): void };
}

/** Collectors started and not stopped yet, stopped by PID if the bench fails half-way. */
const running = new Set<Collector>();

async function startCollector(remoteWrite: string): Promise<Collector> {
  const dir = tempDir("giamsat-bench-rw-");
  const units = Array.from({ length: 100 }, (_, i) => ({
    id: `unit-${i}`,
    name: `Unit ${i}`,
    kind: "department" as const,
  }));
  const configFile = join(dir.path, "collector.yaml");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:0"\ndatabase: "./collector.db"\nunits:\n${units.map((u) => `  - { id: ${u.id}, name: "${u.name}" }`).join("\n")}\n${remoteWrite}`,
  );
  const db = openDatabase(join(dir.path, "collector.db"));
  syncUnits(db, units, Date.now());
  const store = new AgentStore(db);
  const tokens = Array.from(
    { length: AGENTS },
    (_, i) => store.enroll(`unit-${i % 100}`, `agent-${i}`, Date.now()).token,
  );
  db.close();
  const profile = process.env.PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.PROFILE] : [];
  const child = spawn(
    process.execPath,
    [...profile, COLLECTOR_CLI, "serve", "--config", configFile],
    {
      env: { ...process.env, GIAMSAT_LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = /"url":"(http:[^"]+)"/.exec(text);
      if (m?.[1]) resolve(m[1]);
      // Warnings and errors (remote write failures among them) are shown, the rest dropped.
      const lines = text.split("\n");
      text = lines.pop() ?? "";
      for (const line of lines) if (/"level":"(warn|error)"/.test(line)) console.error(line);
    };
    child.stderr?.on("data", onData);
    setTimeout(() => reject(new Error(`collector did not start: ${text}`)), 15_000);
  });
  const collector = { url, child, tokens, dir };
  running.add(collector);
  return collector;
}

async function stopCollector(collector: Collector): Promise<void> {
  running.delete(collector);
  if (collector.child.exitCode === null && collector.child.pid !== undefined) {
    process.kill(collector.child.pid, "SIGTERM");
    await new Promise((resolve) => collector.child.once("exit", resolve));
  }
  collector.dir.remove();
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second here).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The collector's remote write gauges and counters, from its /metrics. */
async function forwarding(url: string): Promise<{ sent: number; queued: number; lag: number }> {
  const samples = parseExposition(await (await fetch(`${url}/metrics`)).text());
  const value = (name: string) => find(samples, name, { endpoint: "vm" })[0]?.value ?? 0;
  return {
    sent: value("giamsat_remote_write_samples_sent_total"),
    queued: value("giamsat_remote_write_queue_samples"),
    lag: value("giamsat_remote_write_queue_lag_seconds"),
  };
}

/** Rows VictoriaMetrics took in by remote write so far (0 while it is down). */
async function received(vm: VictoriaMetrics): Promise<number> {
  const response = await fetch(`${vm.url}/metrics`).catch(() => undefined);
  if (!response) return 0;
  const text = await response.text();
  return Number(/vm_rows_inserted_total\{type="promremotewrite"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** Agents that keep IN_FLIGHT batches outstanding (max) or each send on a timer (paced). */
async function connectAgents(collector: Collector) {
  let stored = 0;
  let closedLoop = false;
  const senders: (() => void)[] = [];
  const sockets: WebSocket[] = [];
  await Promise.all(
    collector.tokens.map(
      (token, i) =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(`${collector.url.replace("http", "ws")}/agent`, {
            headers: { Authorization: `Bearer ${token}` },
            perMessageDeflate: false,
          });
          sockets.push(socket);
          let seq = 0;
          let lastTs = 0;
          const send = () => {
            seq++;
            // Taken now, as a real agent's are, so the queue lag means what it says.
            lastTs = Math.max(Date.now(), lastTs + 1);
            socket.send(batchJson(seq, lastTs));
          };
          senders.push(send);
          socket.on("open", () =>
            socket.send(
              `{"type":"hello","v":1,"agentVersion":"bench","hostname":"h${i}","os":"linux","bootId":"b"}`,
            ),
          );
          socket.on("message", (data) => {
            const message = JSON.parse(data.toString()) as {
              type: string;
              lastSeq?: number;
              message?: string;
            };
            if (message.type === "welcome") {
              // Numbering goes on from what the collector stored, as a real agent's does.
              seq = message.lastSeq ?? 0;
              resolve();
            } else if (message.type === "ack") {
              stored += PER_BATCH;
              if (closedLoop) send();
            } else if (message.type === "error") reject(new Error(message.message));
          });
          socket.on("error", reject);
        }),
    ),
  );
  return {
    stored: () => stored,
    startMax() {
      closedLoop = true;
      for (const send of senders) for (let k = 0; k < IN_FLIGHT; k++) send();
    },
    /** Offers `rate` samples/s in total; returns a function that stops it. */
    pace(rate: number): () => void {
      const period = (AGENTS * PER_BATCH * 1000) / rate;
      const timers: NodeJS.Timeout[] = [];
      for (const send of senders) {
        timers.push(
          setTimeout(() => {
            send();
            timers.push(setInterval(send, period));
          }, Math.random() * period),
        );
      }
      return () => {
        for (const timer of timers) clearTimeout(timer);
      };
    },
    async close() {
      closedLoop = false;
      await sleep(2000); // batches in flight are answered
      for (const socket of sockets) socket.terminate();
    },
  };
}

interface Phase {
  /** Samples stored per second. */
  stored: number;
  /** Samples VictoriaMetrics took in per second. */
  forwarded: number;
  /** Collector CPU microseconds per stored sample. */
  cpuPerSample: number;
}

/** Closed loop, as hard as the collector takes it, measured over MEASURE_S after a warm-up. */
async function maxPhase(collector: Collector, vm: VictoriaMetrics): Promise<Phase> {
  const agents = await connectAgents(collector);
  agents.startMax();
  await sleep(WARMUP_S * 1000);
  const stored0 = agents.stored();
  const received0 = await received(vm);
  const cpu0 = cpuSeconds(collector.child.pid);
  const started = performance.now();
  await sleep(MEASURE_S * 1000);
  const seconds = (performance.now() - started) / 1000;
  const stored = agents.stored() - stored0;
  const result = {
    stored: stored / seconds,
    forwarded: ((await received(vm)) - received0) / seconds,
    cpuPerSample: ((cpuSeconds(collector.child.pid) - cpu0) * 1e6) / stored,
  };
  await agents.close();
  return result;
}

async function main(): Promise<void> {
  const binary = findBinary("victoria-metrics");
  if (!binary) throw new Error("victoria-metrics is needed: apt-get install victoria-metrics");
  const vm: VictoriaMetrics = await startVictoriaMetrics(binary);
  const loadBefore = loadavg()[0] ?? 0;
  try {
    const alone = await startCollector("");
    const ingestOnly = await maxPhase(alone, vm);
    await stopCollector(alone);

    const forwarder = await startCollector(
      `remoteWrite:\n  - { name: vm, url: "${vm.writeUrl}" }\n`,
    );
    // The receiver is down: everything stored is also queued. The hot path's own cost.
    await vm.pause();
    const queueing = await maxPhase(forwarder, vm);
    const backlog = (await forwarding(forwarder.url)).queued;

    // The receiver is back, agents are quiet: forwarding alone, draining the backlog.
    await vm.resume();
    const received0 = await received(vm);
    const cpu0 = cpuSeconds(forwarder.child.pid);
    const vmCpu0 = cpuSeconds(vm.pid());
    const drainStart = performance.now();
    while ((await received(vm)) - received0 < backlog && performance.now() - drainStart < 600_000) {
      await sleep(200);
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const drainCpu = ((cpuSeconds(forwarder.child.pid) - cpu0) * 1e6) / backlog;
    const vmCpu = ((cpuSeconds(vm.pid()) - vmCpu0) * 1e6) / backlog;

    // Both at once, as hard as it goes.
    const both = await maxPhase(forwarder, vm);
    const behind = (await forwarding(forwarder.url)).queued;

    // A steady load, a few times what a city sends: does forwarding keep up, how far behind?
    const agents = await connectAgents(forwarder);
    const stopPacing = agents.pace(RATE);
    await sleep(WARMUP_S * 1000);
    const p0 = await received(vm);
    const pStored0 = agents.stored();
    const pStart = performance.now();
    let maxLag = 0;
    let maxQueued = 0;
    while (performance.now() - pStart < MEASURE_S * 1000) {
      await sleep(2000);
      const now = await forwarding(forwarder.url);
      maxLag = Math.max(maxLag, now.lag);
      maxQueued = Math.max(maxQueued, now.queued);
    }
    const pSeconds = (performance.now() - pStart) / 1000;
    const pacedStored = (agents.stored() - pStored0) / pSeconds;
    const pacedForwarded = ((await received(vm)) - p0) / pSeconds;
    stopPacing();
    await agents.close();
    let final = await forwarding(forwarder.url);
    for (let i = 0; i < 100 && final.queued > 0; i++) {
      await sleep(300);
      final = await forwarding(forwarder.url);
    }
    await stopCollector(forwarder);
    const total = await received(vm);

    const cpu = cpus()[0]?.model ?? "unknown CPU";
    const n = (x: number) => Math.round(x).toLocaleString("en");
    console.log(
      `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    );
    console.log(
      `${AGENTS} agents, ${PER_BATCH} samples per batch, ${IN_FLIGHT} batches in flight each; receiver: VictoriaMetrics on the same machine`,
    );
    // Other work on the machine skews every figure; the load average says how much there was.
    console.log(
      `load average (1 min) before ${loadBefore.toFixed(1)}, after ${(loadavg()[0] ?? 0).toFixed(1)}`,
    );
    console.log(
      `1 ingest alone:                  stored ${n(ingestOnly.stored)} samples/s, collector CPU ${ingestOnly.cpuPerSample.toFixed(1)} µs/sample`,
    );
    console.log(
      `2 ingest + queue, receiver down: stored ${n(queueing.stored)} samples/s, collector CPU ${queueing.cpuPerSample.toFixed(1)} µs/sample`,
    );
    console.log(
      `3 forwarding alone (backlog of ${n(backlog)}): ${n(backlog / drainSeconds)} samples/s, collector CPU ${drainCpu.toFixed(1)} µs/sample, VictoriaMetrics CPU ${vmCpu.toFixed(1)} µs/sample`,
    );
    console.log(
      `4 ingest + forwarding, both max: stored ${n(both.stored)} samples/s, forwarded ${n(both.forwarded)} samples/s, collector CPU ${both.cpuPerSample.toFixed(1)} µs/stored sample, queue after ${n(behind)}`,
    );
    console.log(
      `5 paced at ${n(RATE)} samples/s offered: stored ${n(pacedStored)}/s, forwarded ${n(pacedForwarded)}/s, queue at most ${n(maxQueued)}, lag at most ${maxLag.toFixed(1)} s`,
    );
    console.log(
      `ratios: stored with forwarding / alone ${(both.stored / ingestOnly.stored).toFixed(2)}; with queueing only / alone ${(queueing.stored / ingestOnly.stored).toFixed(2)}; collector CPU per sample with forwarding / alone ${(both.cpuPerSample / ingestOnly.cpuPerSample).toFixed(2)}`,
    );
    console.log(
      `in all: collector sent ${n(final.sent)}, left queued ${n(final.queued)}; VictoriaMetrics took in ${n(total)} by remote write`,
    );
  } finally {
    for (const collector of running) await stopCollector(collector);
    await vm.stop();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
