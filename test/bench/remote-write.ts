// npm run bench:remote-write — the cost of forwarding. In one run, on this machine, simulated
// agents on loopback drive a real collector process as hard as it goes: storing only; storing and
// queueing while the receiver (a real VictoriaMetrics) is down; then forwarding the backlog alone;
// then storing and forwarding together; then a steady offered load, to see how far behind
// forwarding stays. Prints samples/s, collector CPU per sample, and the ratios.
import { cpus, loadavg, totalmem } from "node:os";
import { find, parseExposition } from "../helpers/metrics.js";
import { findBinary } from "../helpers/peers.js";
import { startVictoriaMetrics, type VictoriaMetrics } from "../helpers/victoria-metrics.js";
import {
  AGENTS,
  type Collector,
  connectAgents,
  cpuSeconds,
  IN_FLIGHT,
  PER_BATCH,
  sleep,
  startCollector,
  stopAll,
  stopCollector,
} from "./simulated-agents.js";

const WARMUP_S = Number(process.env.WARMUP ?? 5);
const MEASURE_S = Number(process.env.SECONDS ?? 20);
const RATE = Number(process.env.RATE ?? 20_000);

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
    await stopAll();
    await vm.stop();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
