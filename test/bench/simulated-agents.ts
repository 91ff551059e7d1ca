// Simulated agents for benchmarks: a real collector process started on a fresh database with
// enrolled agents, and WebSocket agents that send batches as fast as acknowledged or at a rate.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { AgentStore } from "../../collector/agents/registry.js";
import { openDatabase } from "../../collector/db/database.js";
import { syncUnits } from "../../collector/inspection/units.js";
import { COLLECTOR_CLI, tempDir } from "../helpers/processes.js";

export const AGENTS = Number(process.env.AGENTS ?? 1000);
/** Results per batch. */
export const CHECKS = 10;
/** Samples per batch besides the results. */
export const SAMPLES = 90;
export const PER_BATCH = CHECKS * 2 + SAMPLES;
export const IN_FLIGHT = 2;

/** The JSON of one batch, built by hand as an agent's outbox would hand it over; `failing`: c0 down. */
export function batchJson(seq: number, ts: number, failing = false): string {
  const results: string[] = [];
  const samples: string[] = [];
  for (let c = 0; c < CHECKS; c++) {
    const state = c === 0 && failing ? '"up":false,"reason":"timeout"' : '"up":true';
    results.push(
      `{"check":"c${c}","category":"lan","kind":"snmp","ts":${ts},${state},"duration":0.0${c + 1}}`,
    );
    for (let i = 0; i < SAMPLES / CHECKS; i++) {
      samples.push(
        `{"metric":"giamsat_snmp_interface_receive_bytes_total","labels":{"check":"c${c}","category":"lan","kind":"snmp","interface":"ge-0/0/${i}"},"ts":${ts},"value":${seq * 1000 + i}}`,
      );
    }
  }
  return `{"type":"batch","v":1,"seq":${seq},"sentAt":${Date.now()},"results":[${results.join(",")}],"samples":[${samples.join(",")}]}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Collector {
  url: string;
  child: ChildProcess;
  tokens: string[];
  dir: { path: string; remove(): void };
}

/** Collectors started and not stopped yet, stopped by PID if the bench fails half-way. */
const running = new Set<Collector>();

/** Stops every collector still running. */
export async function stopAll(): Promise<void> {
  for (const collector of running) await stopCollector(collector);
}

/** A collector process on a fresh database with AGENTS enrolled agents; `extraYaml` ends its config. */
export async function startCollector(extraYaml: string): Promise<Collector> {
  const dir = tempDir("giamsat-bench-rw-");
  const units = Array.from({ length: 100 }, (_, i) => ({
    id: `unit-${i}`,
    name: `Unit ${i}`,
    kind: "department" as const,
  }));
  const configFile = join(dir.path, "collector.yaml");
  writeFileSync(
    configFile,
    `listen: "127.0.0.1:0"\ndatabase: "./collector.db"\nunits:\n${units.map((u) => `  - { id: ${u.id}, name: "${u.name}" }`).join("\n")}\n${extraYaml}`,
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

/** SIGTERM by PID, then the folder goes. */
export async function stopCollector(collector: Collector): Promise<void> {
  running.delete(collector);
  if (collector.child.exitCode === null && collector.child.pid !== undefined) {
    process.kill(collector.child.pid, "SIGTERM");
    await new Promise((resolve) => collector.child.once("exit", resolve));
  }
  collector.dir.remove();
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second here).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Agents that keep IN_FLIGHT batches outstanding (max) or each send on a timer (paced). Each ack's
 * latency (sent to acknowledged, ms) is kept while `measure` is on; `fail(i)` makes agent i's
 * check c0 fail from its next batch on.
 */
export async function connectAgents(collector: Collector) {
  let stored = 0;
  let closedLoop = false;
  let measuring = false;
  const latencies: number[] = [];
  const failing = new Set<number>();
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
          const sentAt = new Map<number, number>();
          const send = () => {
            seq++;
            // Taken now, as a real agent's are, so the queue lag means what it says.
            lastTs = Math.max(Date.now(), lastTs + 1);
            sentAt.set(seq, performance.now());
            socket.send(batchJson(seq, lastTs, failing.has(i)));
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
              seq?: number;
              lastSeq?: number;
              message?: string;
            };
            if (message.type === "welcome") {
              // Numbering goes on from what the collector stored, as a real agent's does.
              seq = message.lastSeq ?? 0;
              resolve();
            } else if (message.type === "ack") {
              stored += PER_BATCH;
              const started = sentAt.get(message.seq ?? -1);
              sentAt.delete(message.seq ?? -1);
              if (measuring && started !== undefined) latencies.push(performance.now() - started);
              if (closedLoop) send();
            } else if (message.type === "error") reject(new Error(message.message));
          });
          socket.on("error", reject);
        }),
    ),
  );
  return {
    stored: () => stored,
    /** Starts (or stops) keeping ack latencies; starting clears what was kept. */
    measure(on: boolean) {
      if (on) latencies.length = 0;
      measuring = on;
    },
    latencies: () => [...latencies].sort((a, b) => a - b),
    fail(index: number) {
      failing.add(index);
    },
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
