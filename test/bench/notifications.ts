// npm run bench:notifications — what notifications cost ingest, and whether a storm is grouped. A
// real collector process without notifications and one with them (a webhook channel to a receiver
// in this process, the default groupWait) run at the same time, side by side, each taking the same
// paced load from its own simulated agents on loopback (AGENTS each, default 1,000, in 100 units):
// whatever else the machine is doing slows both alike, so their ratio is the notifications' cost and
// not the moment's load. A minute into the measurement every agent's first check starts failing on
// both, unit after unit over 60 s, which opens 1,000 incidents within about a minute on each. Prints
// ingest's ack latency (p50, p99) for both and their ratio, and what the receiver got: messages,
// incidents per message, and how long after the last incident opened the last message came.
import { createServer } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import {
  AGENTS,
  type Collector,
  connectAgents,
  cpuSeconds,
  PER_BATCH,
  sleep,
  startCollector,
  stopAll,
  stopCollector,
} from "./simulated-agents.js";

/** Samples per second offered to each of the two collectors. */
const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 150);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const UNITS = 100;
/** The failures spread over this long: unit u's agents start failing u × 0.6 s into the wave. */
const WAVE_S = 60;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Received {
  messages: { kind: string; unit: string | null; items: number; incidents: number; at: number }[];
}

/** A webhook receiver counting what it is sent. */
async function receiver(): Promise<{ url: string; got: Received; close(): Promise<void> }> {
  const got: Received = { messages: [] };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString()) as {
        kind: string;
        unit: { id: string } | null;
        items: { subject: string; affected: unknown[] }[];
      };
      got.messages.push({
        kind: payload.kind,
        unit: payload.unit?.id ?? null,
        items: payload.items.length,
        incidents: payload.items.reduce((n, i) => n + 1 + i.affected.length, 0),
        at: Date.now(),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Run {
  p50: number;
  p99: number;
  acks: number;
  /** Collector CPU seconds over the measurement: what the two runs cost, however busy the machine. */
  cpu: number;
  /** When the last agent's failures began. */
  lastFailure: number;
}

/** Paced load for SECONDS; the failure wave starts a third of the way in. */
async function run(collector: Collector): Promise<Run> {
  const agents = await connectAgents(collector);
  const stopPacing = agents.pace(RATE);
  await sleep(10_000); // every agent has sent a few batches
  agents.measure(true);
  const cpu0 = cpuSeconds(collector.child.pid);
  const waveAt = Math.floor(SECONDS / 3);
  await sleep(waveAt * 1000);
  const started = Date.now();
  const timers: NodeJS.Timeout[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const unit = i % UNITS;
    timers.push(setTimeout(() => agents.fail(i), (unit * WAVE_S * 1000) / UNITS));
  }
  await sleep((SECONDS - waveAt) * 1000);
  agents.measure(false);
  const cpu = cpuSeconds(collector.child.pid) - cpu0;
  for (const timer of timers) clearTimeout(timer);
  const latencies = agents.latencies();
  stopPacing();
  await agents.close();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    acks: latencies.length,
    cpu,
    lastFailure: started + ((UNITS - 1) * WAVE_S * 1000) / UNITS,
  };
}

async function main(): Promise<void> {
  if (SECONDS < WAVE_S + 30) throw new Error(`SECONDS must be at least ${WAVE_S + 30}`);
  const loadBefore = loadavg()[0] ?? 0;
  const hook = await receiver();
  const without: Run[] = [];
  const withN: Run[] = [];
  let received: Received["messages"] = [];
  let lastMessageDelay = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      hook.got.messages.length = 0;
      const plain = await startCollector("");
      const notifying = await startCollector(
        `notifications:\n  channels:\n    - { name: hook, type: webhook, url: "${hook.url}" }\n  routes:\n    - { channels: [hook] }\n`,
      );
      const [a, b] = await Promise.all([run(plain), run(notifying)]);
      without.push(a);
      withN.push(b);
      await stopCollector(plain);
      // The last incidents open up to two batch periods after their agents start failing; their
      // message comes groupWait (30 s) later.
      const period = (AGENTS * PER_BATCH * 1000) / RATE;
      await sleep(Math.max(0, b.lastFailure + 2 * period + 40_000 - Date.now()));
      await stopCollector(notifying);
      received = [...hook.got.messages];
      const last = Math.max(...received.map((m) => m.at));
      lastMessageDelay = (last - b.lastFailure) / 1000;
    }
  } finally {
    await stopAll();
    await hook.close();
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  );
  console.log(
    `two collectors side by side, each with ${AGENTS} agents in ${UNITS} units, ${PER_BATCH} samples per batch, paced at ${RATE.toLocaleString("en")} samples/s; ${SECONDS} s measured per round, ${ROUNDS} round(s)`,
  );
  console.log(
    `load average (1 min) before ${loadBefore.toFixed(1)}, after ${(loadavg()[0] ?? 0).toFixed(1)}`,
  );
  for (let i = 0; i < without.length; i++) {
    const a = without[i] as Run;
    const b = withN[i] as Run;
    console.log(
      `round ${i + 1}: ack p50 ${ms(a.p50)} → ${ms(b.p50)}, p99 ${ms(a.p99)} → ${ms(b.p99)} (without → with notifications; ${a.acks} and ${b.acks} acks); p99 ratio ${(b.p99 / a.p99).toFixed(2)}; collector CPU ${a.cpu.toFixed(1)} s → ${b.cpu.toFixed(1)} s (${(b.cpu / a.cpu).toFixed(2)})`,
    );
  }
  const ratios = without.map((a, i) => (withN[i] as Run).p99 / a.p99).sort((x, y) => x - y);
  console.log(
    `ack p99 ratio, with ÷ without notifications: median ${percentile(ratios, 50).toFixed(2)}, worst ${(ratios.at(-1) ?? Number.NaN).toFixed(2)} over ${ratios.length} round(s)`,
  );
  const problems = received.filter((m) => m.kind === "problem");
  const incidents = problems.reduce((n, m) => n + m.incidents, 0);
  const sizes = problems.map((m) => m.incidents).sort((x, y) => x - y);
  const units = new Set(problems.map((m) => m.unit));
  console.log(
    `notifications (last round): ${received.length} messages, ${problems.length} about problems, for ${units.size} units, carrying ${incidents} incidents; incidents per message min ${sizes[0] ?? 0}, median ${percentile(sizes, 50)}, max ${sizes.at(-1) ?? 0}; single-incident messages ${sizes.filter((n) => n === 1).length}`,
  );
  console.log(`last message ${lastMessageDelay.toFixed(1)} s after the last agent began failing`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
