// bench:store's sizes: the file, its tables (SQLite's dbstat), raw samples with bytes per sample
// overall and per metric, and rollup buckets with bytes per bucket.
import type { Db } from "../../collector/db/database.js";
import { rollupCount } from "../../collector/tsdb/rollup-codec.js";
import { ROLLUP_TABLES } from "../../collector/tsdb/rollup-tables.js";

export interface StoreSizes {
  tables: { name: string; bytes: number }[];
  freeBytes: number;
  rawSamples: number;
  compacted: number;
  head: number;
  /** Bytes of the chunk tables (2-hour and day) and the head (pages, with SQLite's overhead). */
  rawBytes: number;
  chunkBytes: number;
  headBytes: number;
  /** Samples in day chunks, of those compacted. */
  inDays: number;
  /** Per metric: bytes of chunk data, and that with its share of the chunk tables' overhead. */
  perMetric: { metric: string; dataBytes: number; bytes: number; samples: number }[];
  rollups: { name: string; bytes: number; buckets: number }[];
  rollupBytes: number;
  rollupBuckets: number;
}

export function storeSizes(db: Db): StoreSizes {
  const tables = db
    .prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
    .all() as { name: string; bytes: number }[];
  const bytes = (name: string) => tables.find((t) => t.name === name)?.bytes ?? 0;
  const one = (sql: string) => (db.prepare(sql).pluck().get() as number | null) ?? 0;
  const inWindows = one("SELECT sum(count) FROM chunks");
  const inDays = one("SELECT sum(count) FROM day_chunks");
  const head = one("SELECT count(*) FROM samples");
  const chunkBytes = bytes("chunks") + bytes("day_chunks");
  // What SQLite adds to the chunk data (row headers, keys, free space in pages, overflow pages),
  // shared in proportion to the data: a page holds bytes, whichever series they are of.
  const overhead = {
    chunks: bytes("chunks") / Math.max(1, one("SELECT sum(length(data)) FROM chunks")),
    day_chunks: bytes("day_chunks") / Math.max(1, one("SELECT sum(length(data)) FROM day_chunks")),
  };
  const byMetric = new Map<string, { dataBytes: number; bytes: number; samples: number }>();
  for (const table of ["chunks", "day_chunks"] as const) {
    const rows = db
      .prepare(`
        SELECT s.metric, sum(length(c.data)) AS dataBytes, sum(c.count) AS samples
        FROM ${table} c JOIN series s ON s.id = c.id / ${2 ** 21} GROUP BY s.metric`)
      .all() as { metric: string; dataBytes: number; samples: number }[];
    for (const row of rows) {
      const m = byMetric.get(row.metric) ?? { dataBytes: 0, bytes: 0, samples: 0 };
      m.dataBytes += row.dataBytes;
      m.bytes += row.dataBytes * overhead[table];
      m.samples += row.samples;
      byMetric.set(row.metric, m);
    }
  }
  const perMetric = [...byMetric]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([metric, m]) => ({ metric, ...m }));
  const rollups = ROLLUP_TABLES.map((t) => {
    let buckets = 0;
    for (const data of db.prepare(`SELECT data FROM ${t.name}`).pluck().iterate()) {
      buckets += rollupCount(data as Uint8Array);
    }
    return { name: t.name, bytes: bytes(t.name), buckets };
  });
  return {
    tables,
    freeBytes: (db.pragma("freelist_count", { simple: true }) as number) * 4096,
    rawSamples: inWindows + inDays + head,
    compacted: inWindows + inDays,
    inDays,
    head,
    rawBytes: chunkBytes + bytes("samples"),
    chunkBytes,
    headBytes: bytes("samples"),
    perMetric,
    rollups,
    rollupBytes: rollups.reduce((sum, r) => sum + r.bytes, 0),
    rollupBuckets: rollups.reduce((sum, r) => sum + r.buckets, 0),
  };
}
