// npm run bench:ingest — many simulated agents on loopback send batches to a real collector
// process; prints samples/s stored (acks come after commit), ack latency, collector RSS, and in
// the same run the raw better-sqlite3 insert rate of the same rows into the same schema.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { AgentStore } from "../../collector/agents/registry.js";
import { openDatabase } from "../../collector/db/database.js";
import { syncUnits } from "../../collector/inspection/units.js";
import { COLLECTOR_CLI, tempDir } from "../helpers/processes.js";
import { AGENTS, batchJson, cpuSeconds, IN_FLIGHT, PER_BATCH } from "./simulated-agents.js";

const WARMUP_S = Number(process.env.WARMUP ?? 5);
const MEASURE_S = Number(process.env.SECONDS ?? 20);
const RATE = Number(process.env.RATE ?? 50_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : 0;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const dir = tempDir("giamsat-bench-");
  const units = Array.from({ length: 100 }, (_, i) => ({
    id: `unit-${i}`,
    name: `Unit ${i}`,
    kind: "department" as const,
  }));
  const configFile = join(dir.path, "collector.yaml");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:0"\ndatabase: "./collector.db"\nunits:\n${units.map((u) => `  - { id: ${u.id}, name: "${u.name}" }`).join("\n")}\n`,
  );
  const db = openDatabase(join(dir.path, "collector.db"));
  syncUnits(db, units, Date.now());
  const store = new AgentStore(db);
  const tokens = Array.from(
    { length: AGENTS },
    (_, i) => store.enroll(`unit-${i % 100}`, `agent-${i}`, Date.now()).token,
  );
  db.close();

  const collector: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.PROFILE ? ["--cpu-prof", "--cpu-prof-dir", process.env.PROFILE] : []),
      COLLECTOR_CLI,
      "serve",
      "--config",
      configFile,
    ],
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
      if (m?.[1]) {
        resolve(m[1]);
        collector.stderr?.off("data", onData);
        collector.stderr?.resume();
      }
    };
    collector.stderr?.on("data", onData);
    setTimeout(() => reject(new Error(`collector did not start: ${text}`)), 15_000);
  });
  if (!url) throw new Error("collector did not report its URL");
  const pid = collector.pid as number;

  // Phase "max": every agent keeps IN_FLIGHT batches outstanding (closed loop): the most the
  // collector stores per second. Phase "paced": each agent sends on a timer so that together they
  // offer RATE samples/s (open loop): the ack latency a city sees at that load.
  let phase: "warmup" | "max" | "paced" | "done" = "warmup";
  let acked = 0;
  const latencies: number[] = [];
  let maxRss = 0;
  let t0 = Date.now();
  const sockets: WebSocket[] = [];
  const senders: (() => void)[] = [];
  await Promise.all(
    tokens.map(
      (token, i) =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(`${url.replace("http", "ws")}/agent`, {
            headers: { Authorization: `Bearer ${token}` },
            perMessageDeflate: false,
          });
          sockets.push(socket);
          let seq = 0;
          const sentAt = new Map<number, number>();
          const send = () => {
            seq++;
            sentAt.set(seq, performance.now());
            socket.send(batchJson(seq, t0 + seq * 30_000 + i));
          };
          senders.push(send);
          socket.on("open", () =>
            socket.send(
              JSON.stringify({
                type: "hello",
                v: 1,
                agentVersion: "bench",
                hostname: `h${i}`,
                os: "linux",
                bootId: "b",
              }),
            ),
          );
          socket.on("message", (data) => {
            const message = JSON.parse(data.toString()) as {
              type: string;
              seq?: number;
              message?: string;
            };
            if (message.type === "welcome") {
              resolve();
            } else if (message.type === "ack" && message.seq !== undefined) {
              const started = sentAt.get(message.seq);
              sentAt.delete(message.seq);
              if ((phase === "max" || phase === "paced") && started !== undefined) {
                acked += PER_BATCH;
                latencies.push(performance.now() - started);
              }
              if (phase === "warmup" || phase === "max") send();
            } else if (message.type === "error") {
              reject(new Error(message.message));
            }
          });
          socket.on("error", reject);
        }),
    ),
  );
  const rssTimer = setInterval(() => {
    maxRss = Math.max(maxRss, rssOf(pid));
  }, 500);
  t0 = Date.now();
  for (const send of senders) for (let k = 0; k < IN_FLIGHT; k++) send();
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  phase = "max";
  let started = performance.now();
  const cpuBefore = { collector: cpuSeconds(pid), bench: process.cpuUsage() };
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  const maxRate = acked / ((performance.now() - started) / 1000);
  const maxSamples = acked;
  const collectorCpu = cpuSeconds(pid) - cpuBefore.collector;
  const benchUsage = process.cpuUsage(cpuBefore.bench);
  const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
  const maxLatencies = latencies.splice(0).sort((a, b) => a - b);
  phase = "done";
  await new Promise((r) => setTimeout(r, 3000)); // let outstanding batches finish

  acked = 0;
  phase = "paced";
  const period = (AGENTS * PER_BATCH * 1000) / RATE;
  const timers = senders.map((send) =>
    setTimeout(() => {
      send();
      timers.push(setInterval(send, period));
    }, Math.random() * period),
  );
  await new Promise((r) => setTimeout(r, 2000));
  acked = 0;
  latencies.length = 0;
  started = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  const pacedRate = acked / ((performance.now() - started) / 1000);
  const pacedLatencies = latencies.splice(0).sort((a, b) => a - b);
  phase = "done";
  for (const timer of timers) clearTimeout(timer);
  clearInterval(rssTimer);
  const connected = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  for (const socket of sockets) socket.terminate();
  process.kill(pid, "SIGTERM");
  await new Promise((r) => collector.once("exit", r));

  // The same rows, straight into the same schema with better-sqlite3, in this same run.
  const raw = openDatabase(join(dir.path, "raw.db"));
  syncUnits(raw, units.slice(0, 1), Date.now());
  raw.prepare("INSERT INTO agents (unit_id, name, created_at) VALUES ('unit-0', 'raw', 0)").run();
  const seriesIds: number[] = [];
  const addSeries = raw.prepare("INSERT INTO series (agent_id, metric, labels) VALUES (1, ?, ?)");
  for (let i = 0; i < AGENTS * PER_BATCH; i++) {
    seriesIds.push(
      Number(
        addSeries.run("giamsat_snmp_interface_receive_bytes_total", `{"n":"${i}"}`).lastInsertRowid,
      ),
    );
  }
  const insert = raw.prepare(
    "INSERT INTO samples (agent_id, ts, series_id, value) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const write = raw.transaction((agent: number, ts: number) => {
    for (let k = 0; k < PER_BATCH; k++)
      insert.run(agent + 1, ts, seriesIds[agent * PER_BATCH + k], k);
  });
  let rows = 0;
  const rawStart = performance.now();
  const rawCpuBefore = process.cpuUsage();
  for (let round = 1; performance.now() - rawStart < 10_000; round++) {
    for (let agent = 0; agent < AGENTS; agent++) write(agent, t0 + round * 30_000 + agent);
    rows += AGENTS * PER_BATCH;
  }
  const rawSeconds = (performance.now() - rawStart) / 1000;
  const rawRate = rows / rawSeconds;
  const rawUsage = process.cpuUsage(rawCpuBefore);
  const rawCpu = (rawUsage.user + rawUsage.system) / 1e6;
  raw.close();
  dir.remove();

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average (1 min) before ${loadBefore.toFixed(1)}, after ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
  console.log(
    `agents connected: ${connected}/${AGENTS}, ${PER_BATCH} samples per batch, ${IN_FLIGHT} batches in flight each`,
  );
  console.log(
    `max: stored ${Math.round(maxRate)} samples/s (ack after commit), ${AGENTS * IN_FLIGHT} batches outstanding, ack p50 ${percentile(maxLatencies, 50).toFixed(0)} ms, p99 ${percentile(maxLatencies, 99).toFixed(0)} ms`,
  );
  console.log(
    `paced at ${RATE} samples/s offered: stored ${Math.round(pacedRate)} samples/s, ack p50 ${percentile(pacedLatencies, 50).toFixed(1)} ms, p99 ${percentile(pacedLatencies, 99).toFixed(1)} ms`,
  );
  console.log(`collector RSS (max): ${(maxRss / 2 ** 20).toFixed(0)} MiB`);
  console.log(
    `raw better-sqlite3 insert, same rows and schema, one transaction per batch: ${Math.round(rawRate)} rows/s`,
  );
  console.log(`ratio max ingest / raw insert: ${(maxRate / rawRate).toFixed(2)}`);
  // CPU time per sample says what the rates above cannot when other work shares the cores.
  console.log(
    `CPU per sample: collector ${((collectorCpu / maxSamples) * 1e6).toFixed(2)} µs (${((100 * collectorCpu) / MEASURE_S).toFixed(0)}% of a core), simulated agents ${((benchCpu / maxSamples) * 1e6).toFixed(2)} µs (${((100 * benchCpu) / MEASURE_S).toFixed(0)}%), raw insert ${((rawCpu / rows) * 1e6).toFixed(2)} µs (${((100 * rawCpu) / rawSeconds).toFixed(0)}%)`,
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
