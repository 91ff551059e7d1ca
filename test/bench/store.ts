// npm run bench:store — 90 days of a city (100 units × 20 checks every 30 s) in a real SQLite
// file (store-generate.ts), then: its size, bytes per raw sample and per rollup bucket, beside
// VictoriaMetrics holding the same raw samples when `victoria-metrics` is installed (store-vm.ts),
// the p50/p95 of every JSON API call and page (store-timings.ts), beside another build's in the
// same run with BASELINE=/other/checkout (store-baseline.ts), and a retention pass. The city has
// WINDOWS maintenance windows (1,000 by default) and dependencies (store-plans.ts). Ends with one
// JSON line of the figures.
//
// UNITS, DAYS, RAW_DAYS and CALLS size the run. KEEP_DB=FILE keeps the generated file; REUSE_DB=FILE
// measures a kept one without generating it (a file kept by an older build is brought to this
// version first and its upgrade timed). VM=0 leaves VictoriaMetrics out.
import { statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { BatchStore } from "../../collector/agents/batch-store.js";
import { AgentStore } from "../../collector/agents/registry.js";
import { openDatabase } from "../../collector/db/database.js";
import { History } from "../../collector/inspection/history.js";
import { syncUnits } from "../../collector/inspection/units.js";
import { collectorConfigSchema } from "../../shared/config/collector.js";
import { METRICS } from "../../shared/metrics.js";
import { findBinary } from "../helpers/peers.js";
import { tempDir } from "../helpers/processes.js";
import { type BaselineFigures, runBaseline } from "./store-baseline.js";
import { CHECKS, City, INTERVAL } from "./store-data.js";
import { generateCity } from "./store-generate.js";
import { benchWindows, ROOT_CHECK } from "./store-plans.js";
import { storeSizes } from "./store-size.js";
import { measureTimings, type Timing, timingLines } from "./store-timings.js";
import { type ExportedSeries, measureVictoriaMetrics, type VmFigures } from "./store-vm.js";

const UNITS = Number(process.env.UNITS ?? 100);
const DAYS = Number(process.env.DAYS ?? 90);
const RAW_DAYS = Number(process.env.RAW_DAYS ?? 8);
const CALLS = Number(process.env.CALLS ?? 40);
/** Maintenance windows over the city's units (1,000 as the issue asks, whatever UNITS is). */
const WINDOWS = Number(process.env.WINDOWS ?? 1000);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MiB = 2 ** 20;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs the upgrade of a file kept by an older build to its end, as the background loop would: its
 * rollups moved into chunks, then its check series' days made from their hours.
 */
function upgrade(history: History) {
  const figures = { steps: 0, busyMs: 0, longestStepMs: 0 };
  for (;;) {
    const started = performance.now();
    if (!history.upgrade.step(Date.now()) && !history.seriesDays.step(Date.now())) break;
    const took = performance.now() - started;
    figures.steps++;
    figures.busyMs += took;
    figures.longestStepMs = Math.max(figures.longestStepMs, took);
  }
  return figures;
}

/** Every raw sample the store keeps, series by series, as VictoriaMetrics would get them. */
function* keptSeries(history: History, metric?: string): Generator<ExportedSeries> {
  const rows = history.db
    .prepare(`
      SELECT s.id, s.metric, s.labels, a.unit_id AS unit, a.name AS agent
      FROM series s JOIN agents a ON a.id = s.agent_id ORDER BY s.id`)
    .all() as { id: number; metric: string; labels: string; unit: string; agent: string }[];
  for (const row of rows) {
    if (metric !== undefined && row.metric !== metric) continue;
    const samples = history.samples.read(row.id, 0, Number.POSITIVE_INFINITY);
    yield {
      metric: row.metric,
      labels: { ...JSON.parse(row.labels), unit: row.unit, agent: row.agent },
      ...samples,
    };
  }
}

const p95s = (timings: Timing[]) => Object.fromEntries(timings.map((t) => [t.name, t.p95]));

async function main(): Promise<void> {
  const dir = tempDir("giamsat-bench-store-");
  const reuse = process.env.REUSE_DB;
  const file = reuse ?? process.env.KEEP_DB ?? join(dir.path, "collector.db");
  const config = collectorConfigSchema.parse({
    database: file,
    units: Array.from({ length: UNITS }, (_, i) => ({
      id: `unit-${String(i).padStart(3, "0")}`,
      name: `Đơn vị ${i}`,
      kind: "department" as const,
      leader: { name: `Lãnh đạo ${i}` },
      root: ROOT_CHECK,
    })),
  });
  const units = config.units.map((u) => u.id);
  // Not read-only: a file kept by an older version is brought to this version's schema first.
  const db = openDatabase(file);
  const kept = db
    .prepare("SELECT value FROM maintenance_state WHERE job = 'bench_end'")
    .pluck()
    .get() as number | undefined;
  if (reuse && kept === undefined) throw new Error(`${file}: not a database kept by bench:store`);
  const end = kept ?? Math.floor(Date.now() / HOUR) * HOUR;
  const start = end - DAYS * DAY;
  syncUnits(db, config.units, start);
  const agents = new AgentStore(db);
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt: start,
    roots: new Map(config.units.map((u) => [u.id, u.root ?? ROOT_CHECK])),
  });
  let generated = `reused ${reuse}, generated for ${new Date(end).toISOString()}`;
  let upgraded: ReturnType<typeof upgrade> | undefined;
  if (reuse) {
    const older = !history.upgrade.done || !history.seriesDays.done;
    upgraded = upgrade(history);
    if (older) {
      generated += `; rollups of the older build moved into chunks and its series' days made in ${seconds(upgraded.busyMs)} (${upgraded.steps} steps, the longest ${upgraded.longestStepMs.toFixed(1)} ms)`;
    }
  } else {
    history.maintenance.syncConfig(benchWindows(units, WINDOWS, start, end), start);
    generated = generateCity({
      db,
      history,
      samples: new BatchStore(db, history.hooks),
      city: new City(UNITS, start, end),
      units,
      agents: units.map((unit) => agents.enroll(unit, "pc-01", start).agent),
      start,
      rawStart: end - RAW_DAYS * DAY,
      end,
    });
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  const fileBytes = statSync(file).size;
  const sizes = storeSizes(db);

  const ours = measureTimings({ db, history, agents, units, end }, CALLS);
  let baseline: BaselineFigures | undefined;
  if (process.env.BASELINE) {
    const env = { UNITS: String(UNITS), DAYS: String(DAYS), RAW_DAYS: String(RAW_DAYS) };
    baseline = runBaseline(process.env.BASELINE, { ...env, CALLS: String(CALLS) });
  }

  // The same raw samples in VictoriaMetrics, before the retention pass below deletes a day of them.
  const vmBinary = process.env.VM === "0" ? undefined : findBinary("victoria-metrics");
  let vm: VmFigures | undefined;
  let vmCheckUp: VmFigures | undefined;
  if (vmBinary) {
    vm = await measureVictoriaMetrics(vmBinary, keptSeries(history));
    vmCheckUp = await measureVictoriaMetrics(vmBinary, keptSeries(history, METRICS.checkUp.name));
  }

  // A retention pass a day later: one day of raw chunks and of 5-minute rollups to delete (a
  // reused database had that day deleted by the run that kept it: nothing to measure then).
  const previous = history.retention.last;
  while (history.retention.step(end + DAY) && history.retention.last === previous) {
    // one short step at a time, as the background loop runs them
  }
  const pass = history.retention.last;

  const load = loadavg().map((l) => Number(l.toFixed(1)));
  const of = (metric: string) => sizes.perMetric.find((m) => m.metric === metric);
  const perSample = (m: { bytes: number; samples: number } | undefined) =>
    m ? m.bytes / m.samples : Number.NaN;
  const lines = [
    `machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load.join(" ")}`,
    `city: ${UNITS} units × ${CHECKS.length} checks every ${INTERVAL / 1000} s, ${DAYS} days (raw for the last ${RAW_DAYS}); ${db.prepare("SELECT count(*) FROM maintenance_windows").pluck().get()} maintenance windows; each unit's ${ROOT_CHECK} its root`,
    generated,
    `database: ${(fileBytes / MiB).toFixed(0)} MiB (${(sizes.freeBytes / MiB).toFixed(0)} MiB of it free pages for reuse)`,
    ...sizes.tables
      .slice(0, 12)
      .map((t) => `  ${t.name.padEnd(22)} ${(t.bytes / MiB).toFixed(1).padStart(8)} MiB`),
    `raw samples kept: ${sizes.rawSamples} (${sizes.compacted} in chunks, ${sizes.inDays} of them merged by day, ${sizes.head} in the head)`,
    `bytes per raw sample: ${(sizes.rawBytes / sizes.rawSamples).toFixed(2)} (chunks alone ${(sizes.chunkBytes / Math.max(1, sizes.compacted)).toFixed(2)}, head rows ${(sizes.headBytes / Math.max(1, sizes.head)).toFixed(1)})`,
    ...sizes.perMetric.map(
      (m) =>
        `  ${m.metric.padEnd(50)} ${perSample(m).toFixed(3)} bytes/sample in chunks (${(m.dataBytes / m.samples).toFixed(3)} data alone)`,
    ),
    `rollups: ${sizes.rollupBuckets} buckets in ${(sizes.rollupBytes / MiB).toFixed(1)} MiB, ${(sizes.rollupBytes / Math.max(1, sizes.rollupBuckets)).toFixed(2)} bytes per bucket`,
    ...sizes.rollups.map(
      (r) =>
        `  ${r.name.padEnd(22)} ${String(r.buckets).padStart(11)} buckets ${(r.bytes / MiB).toFixed(1).padStart(8)} MiB  ${(r.bytes / Math.max(1, r.buckets)).toFixed(2)} bytes/bucket`,
    ),
    vm && vmCheckUp
      ? `VictoriaMetrics, the same raw samples, flushed and merged: ${(vm.bytesPerSample).toFixed(3)} bytes/sample (${vm.samples} samples, data ${(vm.dataBytes / MiB).toFixed(1)} MiB, index ${(vm.indexBytes / MiB).toFixed(1)} MiB); ${METRICS.checkUp.name} alone ${vmCheckUp.bytesPerSample.toFixed(3)} (ours ${perSample(of(METRICS.checkUp.name)).toFixed(3)})`
      : "VictoriaMetrics: not measured (victoria-metrics not installed, or VM=0)",
    `API, ${CALLS} calls each, in-process, handler + JSON.stringify (ms)${baseline ? `, beside ${process.env.BASELINE}` : ""}:`,
    ...timingLines(ours.api, baseline?.api),
    "pages, rendered in-process as the server does, data + HTML (ms):",
    ...timingLines(ours.pages, baseline?.pages),
    ...(baseline ? ["the baseline's run:", ...baseline.about.map((line) => `  ${line}`)] : []),
    `retention pass (a day later): ${pass?.busyMs.toFixed(0)} ms in ${pass?.steps} steps, longest step ${pass?.longestStepMs.toFixed(1)} ms`,
  ];
  console.log(lines.join("\n"));
  const ratios = baseline
    ? [...ours.api, ...ours.pages].map((t) => {
        const other = [...(baseline?.api ?? []), ...(baseline?.pages ?? [])].find(
          (b) => b.name === t.name,
        );
        return other ? t.p95 / other.p95 : Number.NaN;
      })
    : [];
  console.log(
    JSON.stringify({
      units: UNITS,
      days: DAYS,
      rawDays: RAW_DAYS,
      fileBytes,
      freeBytes: sizes.freeBytes,
      rawSamples: sizes.rawSamples,
      rawBytes: sizes.rawBytes,
      bytesPerRawSample: sizes.rawBytes / sizes.rawSamples,
      checkUpBytesPerSample: perSample(of(METRICS.checkUp.name)),
      durationBytesPerSample: perSample(of(METRICS.checkDuration.name)),
      rollupBuckets: sizes.rollupBuckets,
      rollupBytes: sizes.rollupBytes,
      bytesPerRollupBucket: sizes.rollupBytes / Math.max(1, sizes.rollupBuckets),
      ...(vm && vmCheckUp
        ? {
            vmSamples: vm.samples,
            vmBytesPerSample: vm.bytesPerSample,
            vmIndexBytes: vm.indexBytes,
            vmCheckUpBytesPerSample: vmCheckUp.bytesPerSample,
          }
        : {}),
      apiP95: p95s(ours.api),
      pageP95: p95s(ours.pages),
      ...(baseline
        ? {
            baselineApiP95: p95s(baseline.api),
            baselinePageP95: p95s(baseline.pages),
            worstP95Ratio: Math.max(...ratios.filter((r) => !Number.isNaN(r))),
          }
        : {}),
      ...(upgraded ? { upgrade: upgraded } : {}),
      retentionPassMs: pass?.busyMs,
      loadAverage: load,
    }),
  );
  db.close();
  dir.remove();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
