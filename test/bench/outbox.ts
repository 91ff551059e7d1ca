// npm run bench:outbox — what one sample costs the agent's outbox on disk and in memory: appends a
// long outage's worth of typical check results, then reads the file size and the process's memory.
import { statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { type Entry, Outbox, sampleCount } from "../../agent/outbox/outbox.js";
import { tempDir } from "../helpers/processes.js";

const ENTRIES = Number(process.env.ENTRIES ?? 200_000);

/** An http check's result: one result and four samples, labels as the scheduler sets them. */
function entry(i: number, ts: number): Entry {
  const labels = { check: `portal-${i % 100}`, category: "website", kind: "http" };
  return {
    results: [
      {
        check: labels.check,
        category: "website",
        kind: "http",
        ts,
        up: true,
        duration: 0.0123 + (i % 7) / 1000,
      },
    ],
    samples: [
      { metric: "giamsat_http_status_code", labels, ts, value: 200 },
      { metric: "giamsat_http_redirects", labels, ts, value: 0 },
      { metric: "giamsat_http_content_length_bytes", labels, ts, value: 48_213 + (i % 50) },
      {
        metric: "giamsat_tls_certificate_expiry_timestamp_seconds",
        labels,
        ts,
        value: 1_798_761_600,
      },
    ],
    inventory: [],
  };
}

function rss(): number {
  global.gc?.();
  return process.memoryUsage().rss;
}

const dir = tempDir("giamsat-bench-outbox-");
const path = join(dir.path, "outbox.db");
const outbox = new Outbox({ path, maxBytes: 4 * 2 ** 30 });
const before = rss();
let samples = 0;
const started = performance.now();
const t0 = Date.now();
const checkpoints: string[] = [];
for (let i = 0; i < ENTRIES; i++) {
  const e = entry(i, t0 + Math.floor(i / 100) * 30_000);
  outbox.append(e);
  samples += sampleCount(e);
  if ((i + 1) % (ENTRIES / 4) === 0)
    checkpoints.push(`${samples} samples: ${(rss() / 2 ** 20).toFixed(0)} MiB`);
}
const seconds = (performance.now() - started) / 1000;
const after = rss();
outbox.close(); // checkpoints the WAL into the file
const bytes = statSync(path).size;
console.log(
  `machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.version}`,
);
console.log(
  `${ENTRIES} results (${samples} samples as the collector stores them: 2 per result + 4 samples)`,
);
console.log(
  `append: ${Math.round(ENTRIES / seconds)} results/s, ${Math.round(samples / seconds)} samples/s (one transaction each)`,
);
console.log(
  `disk: ${(bytes / 2 ** 20).toFixed(1)} MiB = ${(bytes / samples).toFixed(1)} bytes per sample`,
);
console.log(
  `memory: nothing is kept per sample (SQLite's page cache is bounded); RSS ${(before / 2 ** 20).toFixed(0)} MiB empty, after ${checkpoints.join(", ")}; ${(after / 2 ** 20).toFixed(0)} MiB at the end`,
);
console.log(
  `one 256 MiB outbox (the default cap) holds about ${Math.round((256 * 2 ** 20) / (bytes / samples) / 1e6)} million samples`,
);
dir.remove();
