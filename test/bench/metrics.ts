// npm run bench:metrics — a collector holding 100,000 agent series (a whole city): how long GET
// /metrics takes, the longest event-loop stall during it, the bytes on the wire and the
// collector's CPU per scrape, plain and gzipped (as Prometheus asks), next to prom-client's
// registry.metrics() over the same series in the same run. Prints the figures; exits 1 when the
// targets (a quarter of prom-client's time at most, no stall over 50 ms; gzipped, at most a tenth
// of the bytes in at most 1.5 times the plain scrape's time, and no longer a stall than plain) are
// missed.
import { spawn } from "node:child_process";
import { cpus, loadavg, platform } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { Counter, Gauge, Registry } from "prom-client";
import { METRIC_BY_NAME, METRICS } from "../../shared/metrics.js";
import { RawAgent, testCollector } from "../helpers/collector.js";
import { parseExposition } from "../helpers/metrics.js";

const UNITS = 50;
const AGENTS_PER_UNIT = 4;
const SERIES_PER_AGENT = 500;
const RUNS = 7;
const TARGET_RATIO = 0.25;
const TARGET_STALL_MS = 50;
const TARGET_GZIP_BYTES = 0.1;
const TARGET_GZIP_TIME = 1.5;

interface Sample {
  metric: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

type Line = [metric: string, value: number, labels?: Record<string, string>];

/** One agent's checks: a host, pings, web checks, and switches with many ports, 500 series. */
function agentBatch(agentIndex: number, ts: number) {
  const results: { check: string; category: string; kind: string }[] = [];
  const samples: Sample[] = [];
  const add = (check: string, category: string, kind: string, metrics: Line[]) => {
    results.push({ check, category, kind });
    for (const [metric, value, labels] of metrics) {
      samples.push({ metric, labels: { check, category, kind, ...labels }, ts, value });
    }
  };
  const v = (n: number) => n * (1 + agentIndex / 1000);
  add("host", "equipment", "host", [
    [METRICS.hostCpu.name, 0.31],
    [METRICS.hostMemoryUsed.name, v(6e9)],
    [METRICS.hostMemoryTotal.name, 16e9],
    [METRICS.hostUptime.name, v(1e6)],
    ...["/", "/var", "/home"].flatMap((mount): Line[] => [
      [METRICS.hostFilesystemUsed.name, v(4e10), { mount, fstype: "ext4" }],
      [METRICS.hostFilesystemSize.name, 1e11, { mount, fstype: "ext4" }],
    ]),
    ...["eth0", "eth1"].flatMap((nic): Line[] => [
      [METRICS.hostNetworkReceive.name, v(7e9), { interface: nic }],
      [METRICS.hostNetworkTransmit.name, v(2e9), { interface: nic }],
    ]),
  ]);
  for (let i = 0; i < 8; i++) {
    add(`ping-${i}`, i < 6 ? "lan" : "datacenter", "ping", [
      [METRICS.pingRtt.name, v(0.0012)],
      [METRICS.pingRttMin.name, v(0.0009)],
      [METRICS.pingRttMax.name, v(0.0031)],
      [METRICS.pingJitter.name, v(0.0002)],
      [METRICS.pingLoss.name, 0],
    ]);
  }
  for (let i = 0; i < 6; i++) {
    add(`web-${i}`, i < 3 ? "website" : "online_app", "http", [
      [METRICS.httpStatus.name, 200],
      [METRICS.httpRedirects.name, 0],
      [METRICS.httpContentLength.name, v(48_213)],
    ]);
    add(`cert-${i}`, "website", "tls", [[METRICS.tlsExpiry.name, v(1.8e9)]]);
  }
  for (let s = 0; s < 3; s++) {
    const ports: Line[] = [[METRICS.snmpUptime.name, v(4e6)]];
    for (let p = 1; p <= 24; p++) {
      const labels = { interface: `GigabitEthernet1/0/${p}` };
      ports.push(
        [METRICS.snmpInterfaceUp.name, 1, labels],
        [METRICS.snmpInterfaceSpeed.name, 125e6, labels],
        [METRICS.snmpInterfaceReceive.name, v(p * 1e9), labels],
        [METRICS.snmpInterfaceTransmit.name, v(p * 4e8), labels],
        [METRICS.snmpInterfaceReceiveErrors.name, p % 3, labels],
        [METRICS.snmpInterfaceTransmitErrors.name, 0, labels],
      );
    }
    add(`switch-${s}`, "lan", "snmp", ports);
  }
  // Each result adds two series (check_up, check_duration); trim the last switch's ports to 500.
  const kept = samples.slice(0, SERIES_PER_AGENT - 2 * results.length);
  return {
    type: "batch",
    v: 1,
    seq: 1,
    sentAt: ts,
    results: results.map((r) => ({ ...r, ts, up: true, duration: 0.05 })),
    samples: kept,
  };
}

/**
 * Runs `work` and reports its time and the longest gap between two turns of a 1 ms timer
 * meanwhile: how long the event loop could not serve anything else (an agent's batch, a page).
 * `delayMs` is the same seen by Node's own meter (perf_hooks' monitorEventLoopDelay, sampling
 * every 1 ms): the longest delay of its samples.
 */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; stallMs: number; delayMs: number; result: T }> {
  // Each run's own histogram: its longest delay is that run's.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let last = performance.now();
  let longest = 0;
  let timer: NodeJS.Timeout | undefined;
  let nextTurn: (() => void) | undefined;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    nextTurn?.();
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  // A stall that ends with `work` shows at the timer's next turn: wait for that one turn.
  await new Promise<void>((resolve) => {
    nextTurn = resolve;
  });
  clearTimeout(timer);
  delay.disable();
  return { ms, stallMs: longest, delayMs: delay.max / 1e6, result };
}

/**
 * The scraper runs in its own process, as Prometheus does: reading 15 MB in the collector's
 * process would charge the collector for the client's work too. It counts the bytes on the wire
 * and, asked for gzip, those of the text once decompressed (after the answer, off the clock).
 */
const SCRAPER = `
const { get } = require("node:http");
const { gunzipSync } = require("node:zlib");
const { createInterface } = require("node:readline");
createInterface({ input: process.stdin }).on("line", (line) => {
  const [url, encoding] = line.split(" ");
  const headers = encoding ? { "Accept-Encoding": encoding } : {};
  get(url, { headers }, (response) => {
    const parts = [];
    let bytes = 0;
    response.on("data", (chunk) => { bytes += chunk.length; parts.push(chunk); });
    response.on("end", () => {
      const zipped = response.headers["content-encoding"] === "gzip";
      const text = zipped ? gunzipSync(Buffer.concat(parts)).length : bytes;
      process.stdout.write(bytes + " " + text + "\\n");
    });
  }).on("error", (error) => process.stdout.write("error " + error.message + "\\n"));
});`;

interface Scraped {
  /** Bytes on the wire, and of the exposition text they hold. */
  bytes: number;
  textBytes: number;
}

function startScraper(): {
  scrape(url: string, encoding?: string): Promise<Scraped>;
  stop(): void;
} {
  const child = spawn(process.execPath, ["-e", SCRAPER], { stdio: ["pipe", "pipe", "inherit"] });
  const answers = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  answers.on("line", (line) => waiting.shift()?.(line));
  return {
    scrape(url, encoding) {
      return new Promise((resolve, reject) => {
        waiting.push((line) => {
          const match = /^(\d+) (\d+)$/.exec(line);
          if (match) resolve({ bytes: Number(match[1]), textBytes: Number(match[2]) });
          else reject(new Error(line));
        });
        child.stdin.write(`${url}/metrics${encoding ? ` ${encoding}` : ""}\n`);
      });
    },
    stop() {
      child.stdin.end();
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
    },
  };
}

/** prom-client holding the same series: one Gauge or Counter per family. */
function promClientRegistry(text: string): Registry {
  const registry = new Registry();
  const families = new Map<string, { labels: Record<string, string>; value: number }[]>();
  for (const sample of parseExposition(text)) {
    // Agent series only: the collector's own metrics come from prom-client in both cases.
    if (METRIC_BY_NAME.get(sample.name)?.source !== "agent") continue;
    const list = families.get(sample.name) ?? [];
    list.push({ labels: sample.labels, value: sample.value });
    families.set(sample.name, list);
  }
  for (const [name, series] of families) {
    const labelNames = [...new Set(series.flatMap((s) => Object.keys(s.labels)))];
    const def = METRIC_BY_NAME.get(name);
    const options = { name, help: def?.help ?? name, labelNames, registers: [registry] };
    if (def?.type === "counter") {
      const counter = new Counter(options);
      for (const s of series) counter.inc(s.labels, s.value);
    } else {
      const gauge = new Gauge(options);
      for (const s of series) gauge.set(s.labels, s.value);
    }
  }
  return registry;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

async function main(): Promise<void> {
  const units = Array.from({ length: UNITS }, (_, i) => ({
    id: `don-vi-${String(i + 1).padStart(2, "0")}`,
    name: `Đơn vị ${i + 1}`,
  }));
  const collector = await testCollector({ units });
  try {
    const fillStarted = performance.now();
    let agentIndex = 0;
    let lastToken = "";
    for (const unit of units) {
      for (let a = 0; a < AGENTS_PER_UNIT; a++) {
        const token = collector.enroll(unit.id, `may-${a + 1}`);
        lastToken = token;
        const agent = new RawAgent(collector.url, token);
        await agent.hello();
        agent.send(agentBatch(agentIndex++, Date.now()));
        await agent.next((m) => m.type === "ack", 30_000);
        agent.close();
        await agent.closed;
      }
    }
    const fillMs = performance.now() - fillStarted;

    // One agent stays connected and sends a batch as each scrape starts: how long ingest waits.
    const live = new RawAgent(collector.url, lastToken);
    await live.hello();
    let seq = 1;
    const ackDuring = async <T>(work: () => Promise<T>) => {
      const mine = ++seq;
      const sent = performance.now();
      live.send({ type: "batch", v: 1, seq: mine, sentAt: Date.now(), results: [], samples: [] });
      const acked = live
        .next((m) => m.type === "ack" && m.seq === mine, 30_000)
        .then(() => performance.now() - sent);
      const run = await measured(work);
      return { ...run, ackMs: await acked };
    };

    // The collector's runs first, with nothing else in the heap; prom-client's registry is built
    // afterwards, so collecting its garbage never lands in the collector's figures.
    // Plain and gzipped scrapes take turns, so both meet the same conditions; the collector's CPU
    // (this process's: the collector, zlib's threads, and the 1 ms timer of the stall meter alike
    // in both) is read around each.
    const scraper = startScraper();
    type Run = Awaited<ReturnType<typeof ackDuring<Scraped>>> & { cpuMs: number };
    const ours: Run[] = [];
    const zipped: Run[] = [];
    const scrape = async (into: Run[], encoding?: string) => {
      const cpuBefore = process.cpuUsage();
      const run = await ackDuring(() => scraper.scrape(collector.url, encoding));
      const cpu = process.cpuUsage(cpuBefore);
      into.push({ ...run, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    await scraper.scrape(collector.url);
    await scraper.scrape(collector.url, "gzip");
    for (let run = 0; run < RUNS; run++) {
      await scrape(ours);
      await scrape(zipped, "gzip");
    }
    scraper.stop();

    const text = await (await fetch(`${collector.url}/metrics`)).text();
    const series = parseExposition(text).find((s) => s.name === METRICS.series.name)?.value ?? 0;
    const registry = promClientRegistry(text);
    const theirs: Awaited<ReturnType<typeof ackDuring<string>>>[] = [];
    await registry.metrics();
    for (let run = 0; run < RUNS; run++) theirs.push(await ackDuring(() => registry.metrics()));
    live.close();

    const oursMs = median(ours.map((r) => r.ms));
    const zippedMs = median(zipped.map((r) => r.ms));
    const theirsMs = median(theirs.map((r) => r.ms));
    const oursStall = Math.max(...ours.map((r) => r.stallMs), ...zipped.map((r) => r.stallMs));
    // gzip's own target: the event loop held no longer than by the plain scrape, by either meter,
    // within the meters' 1 ms resolution. Compared as the median of each run's longest stall: on
    // a shared machine the longest of all runs is whichever run another process preempted.
    const typical = (runs: Run[], of: "stallMs" | "delayMs") => median(runs.map((r) => r[of]));
    const gzipStallOver = Math.max(
      typical(zipped, "stallMs") - typical(ours, "stallMs"),
      typical(zipped, "delayMs") - typical(ours, "delayMs"),
    );
    const plainBytes = median(ours.map((r) => r.result.bytes));
    const zippedBytes = median(zipped.map((r) => r.result.bytes));
    const bytesRatio = zippedBytes / plainBytes;
    const timeRatio = zippedMs / oursMs;
    const theirsStall = Math.max(...theirs.map((r) => r.stallMs));
    const ratio = oursMs / theirsMs;
    const cpu = cpus();
    const lines = [
      `giamsat /metrics benchmark: ${series.toLocaleString("en")} agent series (${UNITS * AGENTS_PER_UNIT} agents in ${UNITS} units), median of ${RUNS} runs`,
      `machine: ${cpu[0]?.model ?? "?"}, ${cpu.length} CPUs, Node ${process.version}, ${platform()}, load average ${loadavg()[0]?.toFixed(1)}`,
      `filled over WebSocket in ${(fillMs / 1000).toFixed(1)} s`,
      "",
      "time: until a scraper in another process has read the whole response (collector), until the",
      "string is built (prom-client, no HTTP). Longest stall: longest gap between two turns of a 1 ms",
      "timer in the collector's process. Ack: an agent's batch sent as the run starts, acknowledged.",
      "",
      "Loop delay: the longest delay perf_hooks' monitorEventLoopDelay (1 ms resolution) saw. Both as",
      "the longest of all runs, and the median of each run's longest (on a shared machine the longest",
      "of all is whichever run another process preempted).",
      "CPU: the collector process's user and system time during the scrape (zlib's threads included).",
      "",
      "                                     time      longest stall   loop delay        ack meanwhile   CPU       on the wire",
      "                                               (all / median)  (all / median)",
      ...(
        [
          ["GET /metrics (collector)", ours],
          ["GET /metrics, gzip (collector)", zipped],
        ] as const
      ).map(
        ([name, runs]) =>
          `${name.padEnd(37)}${fmt(median(runs.map((r) => r.ms))).padEnd(10)}${`${fmt(Math.max(...runs.map((r) => r.stallMs)))} / ${fmt(typical(runs, "stallMs"))}`.padEnd(16)}${`${fmt(Math.max(...runs.map((r) => r.delayMs)))} / ${fmt(typical(runs, "delayMs"))}`.padEnd(18)}${fmt(median(runs.map((r) => r.ackMs))).padEnd(16)}${fmt(median(runs.map((r) => r.cpuMs))).padEnd(10)}${(median(runs.map((r) => r.result.bytes)) / 1e6).toFixed(2)} MB (${(median(runs.map((r) => r.result.textBytes)) / 1e6).toFixed(1)} MB of text)`,
      ),
      `prom-client registry.metrics()       ${fmt(theirsMs).padEnd(10)}${fmt(theirsStall).padEnd(34)}${fmt(median(theirs.map((r) => r.ackMs))).padEnd(16)}${"".padEnd(10)}${((theirs[0]?.result.length ?? 0) / 1e6).toFixed(1)} MB (string only)`,
      "",
      `collector / prom-client: ${ratio.toFixed(2)} (target at most ${TARGET_RATIO}); longest stall ${fmt(oursStall)} (target at most ${TARGET_STALL_MS} ms)`,
      `gzip / plain: ${bytesRatio.toFixed(3)} of the bytes (target at most ${TARGET_GZIP_BYTES}), ${timeRatio.toFixed(2)} of the time (target at most ${TARGET_GZIP_TIME}), its runs' longest stall ${gzipStallOver > 0 ? `${gzipStallOver.toFixed(1)} ms longer` : "no longer"} than plain's (median; target at most 1 ms longer)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    if (series < UNITS * AGENTS_PER_UNIT * SERIES_PER_AGENT) {
      process.stdout.write(`FAILED: only ${series} series were exposed\n`);
      process.exitCode = 1;
    }
    if (
      ratio > TARGET_RATIO ||
      oursStall > TARGET_STALL_MS ||
      bytesRatio > TARGET_GZIP_BYTES ||
      timeRatio > TARGET_GZIP_TIME ||
      gzipStallOver > 1
    ) {
      process.stdout.write("FAILED: a target was missed\n");
      process.exitCode = 1;
    }
  } finally {
    await collector.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 1;
});
