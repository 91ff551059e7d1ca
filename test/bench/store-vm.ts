// bench:store beside VictoriaMetrics: the raw samples the collector keeps, read back from its
// store, written to a VictoriaMetrics started for the run (its JSON line import), flushed and
// merged into one part per month, and its folders measured: bytes per sample of both in one run.
import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startVictoriaMetrics } from "../helpers/victoria-metrics.js";

export interface ExportedSeries {
  metric: string;
  labels: Record<string, string>;
  ts: number[];
  values: number[];
}

export interface VmFigures {
  samples: number;
  /** Bytes of data/ (the samples' parts) and of indexdb/ (the series index). */
  dataBytes: number;
  indexBytes: number;
  bytesPerSample: number;
}

/** Series per import request: some hundred thousand samples, a few MB of JSON. */
const SERIES_PER_REQUEST = 40;

function folderBytes(path: string): number {
  let bytes = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const at = join(path, entry.name);
    // Snapshots are hard links to parts already counted.
    if (entry.isDirectory()) bytes += entry.name === "snapshots" ? 0 : folderBytes(at);
    else if (entry.isFile()) bytes += statSync(at).size;
  }
  return bytes;
}

function monthsOf(from: number, to: number): string[] {
  const months = new Set<string>();
  for (let t = from; t < to + 31 * 86_400_000; t += 86_400_000) {
    if (t > to) break;
    months.add(new Date(t).toISOString().slice(0, 7).replace("-", "_"));
  }
  months.add(new Date(to).toISOString().slice(0, 7).replace("-", "_"));
  return [...months];
}

/** Waits until VictoriaMetrics has no merge running, forced or not, twice in a row. */
async function merged(url: string): Promise<void> {
  let quiet = 0;
  while (quiet < 2) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const text = await (await fetch(`${url}/metrics`)).text();
    let running = 0;
    for (const line of text.split("\n")) {
      if (/^vm_active_(force_)?merges[{ ]/.test(line)) running += Number(line.split(" ").at(-1));
    }
    quiet = running === 0 ? quiet + 1 : 0;
  }
}

/**
 * Writes the series to a fresh VictoriaMetrics, flushes and merges it, and measures its folders.
 * `series` is read lazily: one series' samples at a time are held here.
 */
export async function measureVictoriaMetrics(
  binary: string,
  series: Iterable<ExportedSeries>,
): Promise<VmFigures> {
  const vm = await startVictoriaMetrics(binary);
  try {
    let samples = 0;
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    let lines: string[] = [];
    const send = async () => {
      if (lines.length === 0) return;
      const response = await fetch(`${vm.url}/api/v1/import`, {
        method: "POST",
        body: `${lines.join("\n")}\n`,
      });
      if (response.status >= 300) {
        throw new Error(`VictoriaMetrics import: ${response.status} ${await response.text()}`);
      }
      lines = [];
    };
    for (const s of series) {
      if (s.ts.length === 0) continue;
      samples += s.ts.length;
      from = Math.min(from, s.ts[0] as number);
      to = Math.max(to, s.ts[s.ts.length - 1] as number);
      lines.push(
        JSON.stringify({
          metric: { __name__: s.metric, ...s.labels },
          values: s.values,
          timestamps: s.ts,
        }),
      );
      if (lines.length >= SERIES_PER_REQUEST) await send();
    }
    await send();
    await fetch(`${vm.url}/internal/force_flush`);
    // A forced merge of each month's partition, as VictoriaMetrics' own background merges would
    // end up with after a while: its best figure, not that of many small fresh parts.
    if (samples > 0) {
      for (const month of monthsOf(from, to)) {
        const response = await fetch(`${vm.url}/internal/force_merge?partition_prefix=${month}`);
        if (response.status >= 300) {
          throw new Error(
            `VictoriaMetrics force_merge: ${response.status} ${await response.text()}`,
          );
        }
      }
      await merged(vm.url);
    }
    const dataBytes = folderBytes(join(vm.dataPath, "data"));
    const indexBytes = folderBytes(join(vm.dataPath, "indexdb"));
    return { samples, dataBytes, indexBytes, bytesPerSample: dataBytes / Math.max(1, samples) };
  } finally {
    await vm.stop();
  }
}
