// npm run bench:jobs — the background jobs' throughput and the length of their steps, which is how
// long ingest and page views can wait behind one:
// - the leaders' pages' test city (test/helpers/city.ts: sixteen units, five weeks written through
//   the batch store, then rolled up and followed for incidents), built ROUNDS times, alternating
//   with another build's when BASELINE=/other/checkout (built with npm run build);
// - the upgrade of a store written by an older release (the fixture of test/fixtures/store/, and
//   FILE=path, an older build's database, copied first) to its end, step by step as the background
//   loop runs it: steps, time busy, and the p50, p99 and longest step.
// Ends with one JSON line of the figures.
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { openDatabase } from "../../collector/db/database.js";
import { History } from "../../collector/inspection/history.js";
import { collectorConfigSchema } from "../../shared/config/collector.js";
import { ROOT, tempDir } from "../helpers/processes.js";

const ROUNDS = Number(process.env.ROUNDS ?? 3);

/** Builds the city of `checkout` in this process and prints the milliseconds it took. */
async function buildCity(checkout: string): Promise<void> {
  const { city } = (await import(join(checkout, "dist/test/helpers/city.js"))) as {
    city(): Promise<{ store: { close(): void } }>;
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const town = await city();
  const cpu = process.cpuUsage(cpuBefore);
  console.log(Math.round(performance.now() - started), Math.round((cpu.user + cpu.system) / 1000));
  town.store.close();
}

/**
 * The city of a build, in a process of its own (so no build warms up the other's code): its wall
 * time and its CPU time, which a loaded machine disturbs less, in ms.
 */
function cityMs(checkout: string): { wall: number; cpu: number } {
  const run = spawnSync(process.execPath, [process.argv[1] as string], {
    env: { ...process.env, CITY_OF: checkout },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`city of ${checkout}: ${run.stderr}`);
  const [wall, cpu] = (run.stdout.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { wall: wall ?? Number.NaN, cpu: cpu ?? Number.NaN };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Upgrades the file to its end, step by step; the steps' figures in ms. */
function upgradeSteps(file: string, now: number) {
  const config = collectorConfigSchema.parse({ database: file });
  const db = openDatabase(file);
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt: now,
  });
  const steps: number[] = [];
  /** The CPU time of each step: on a loaded machine a step's wall time is mostly waiting. */
  const cpu: number[] = [];
  for (;;) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    if (!history.upgrade.step(now)) break;
    steps.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  db.close();
  const sorted = [...steps].sort((a, b) => a - b);
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    steps: steps.length,
    busyMs: Math.round(steps.reduce((a, b) => a + b, 0)),
    p50StepMs: round(quantile(sorted, 0.5)),
    p99StepMs: round(quantile(sorted, 0.99)),
    longestStepMs: round(sorted.at(-1) ?? 0),
    p99StepCpuMs: round(quantile(cpuSorted, 0.99)),
    longestStepCpuMs: round(cpuSorted.at(-1) ?? 0),
  };
}

async function main(): Promise<void> {
  const checkout = process.env.CITY_OF;
  if (checkout) return buildCity(checkout);
  const machine = `${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`machine: ${machine}, load average (1 min) ${(loadavg()[0] ?? 0).toFixed(1)}`);
  const baseline = process.env.BASELINE;
  const figures: Record<string, unknown> = {};

  const ours: { wall: number; cpu: number }[] = [];
  const theirs: { wall: number; cpu: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(cityMs(ROOT));
    if (baseline) theirs.push(cityMs(baseline));
  }
  const report = (name: string, runs: { wall: number; cpu: number }[]) => {
    const wall = median(runs.map((r) => r.wall));
    const cpu = median(runs.map((r) => r.cpu));
    const list = (key: "wall" | "cpu") => runs.map((r) => r[key]).join(", ");
    console.log(
      `test city, ${name}: wall ${list("wall")} ms (median ${wall}), CPU ${list("cpu")} ms (median ${cpu})`,
    );
    return { wall, cpu };
  };
  const mine = report("this build", ours);
  figures.cityMs = mine.wall;
  figures.cityCpuMs = mine.cpu;
  if (baseline) {
    const other = report(baseline, theirs);
    figures.baselineCityMs = other.wall;
    figures.baselineCityCpuMs = other.cpu;
  }

  const dir = tempDir("giamsat-bench-jobs-");
  try {
    const fixture = join(ROOT, "test/fixtures/store");
    const release = JSON.parse(
      gunzipSync(readFileSync(join(fixture, "release-0b8647c.json.gz"))).toString("utf8"),
    ) as { now: number };
    const copy = join(dir.path, "release.db");
    writeFileSync(copy, gunzipSync(readFileSync(join(fixture, "release-0b8647c.db.gz"))));
    figures.fixtureUpgrade = upgradeSteps(copy, release.now);
    console.log(`upgrade of the fixture: ${JSON.stringify(figures.fixtureUpgrade)}`);
    if (process.env.FILE) {
      const file = join(dir.path, "file.db");
      copyFileSync(process.env.FILE, file);
      figures.fileUpgrade = upgradeSteps(file, Date.now());
      console.log(`upgrade of ${process.env.FILE}: ${JSON.stringify(figures.fileUpgrade)}`);
    }
  } finally {
    dir.remove();
  }
  console.log(`load average (1 min) after: ${(loadavg()[0] ?? 0).toFixed(1)}`);
  console.log(JSON.stringify(figures));
}

await main();
