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
  /** Bytes of the chunks and head tables (pages, with SQLite's own overhead). */
  rawBytes: number;
  chunkBytes: number;
  headBytes: number;
  /** Per metric: bytes of chunk data, and that plus its share of the chunk table's overhead. */
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
  const compacted = (db.prepare("SELECT sum(count) FROM chunks").pluck().get() as number) ?? 0;
  const head = db.prepare("SELECT count(*) FROM samples").pluck().get() as number;
  const chunkRows = db.prepare("SELECT count(*) FROM chunks").pluck().get() as number;
  const chunkData =
    (db.prepare("SELECT sum(length(data)) FROM chunks").pluck().get() as number | null) ?? 0;
  // What SQLite adds to the chunk data (row headers, keys, free space in pages), shared by row.
  const overheadPerRow = (bytes("chunks") - chunkData) / Math.max(1, chunkRows);
  const perMetric = (
    db
      .prepare(`
        SELECT s.metric, sum(length(c.data)) AS dataBytes, count(*) AS rows, sum(c.count) AS samples
        FROM chunks c JOIN series s ON s.id = c.id / ${2 ** 21} GROUP BY s.metric ORDER BY s.metric`)
      .all() as { metric: string; dataBytes: number; rows: number; samples: number }[]
  ).map(({ rows, ...m }) => ({ ...m, bytes: m.dataBytes + rows * overheadPerRow }));
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
    rawSamples: compacted + head,
    compacted,
    head,
    rawBytes: bytes("chunks") + bytes("samples"),
    chunkBytes: bytes("chunks"),
    headBytes: bytes("samples"),
    perMetric,
    rollups,
    rollupBytes: rollups.reduce((sum, r) => sum + r.bytes, 0),
    rollupBuckets: rollups.reduce((sum, r) => sum + r.buckets, 0),
  };
}
