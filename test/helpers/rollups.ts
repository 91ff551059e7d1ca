// The rollup buckets a store holds, decoded from their chunks: a row per bucket with its columns
// by name, as the tables before chunks held them, for tests that look at what was rolled up.
import type { Db } from "../../collector/db/database.js";
import { decodeRollups } from "../../collector/tsdb/rollup-codec.js";
import {
  ownerOfChunk,
  ROLLUP_TABLES,
  spanOfChunk,
  spanStart,
} from "../../collector/tsdb/rollup-tables.js";

export type RollupLevel =
  | "rollup_5m"
  | "rollup_1h"
  | "rollup_1d"
  | "scope_5m"
  | "scope_1h"
  | "scope_1d";

export interface RollupRow {
  owner: number;
  bucket: number;
  [column: string]: number | null;
}

/** Every bucket of a level, by owner and bucket. */
export function rollupRows(db: Db, level: RollupLevel): RollupRow[] {
  const table = ROLLUP_TABLES.find((t) => t.name === `${level}_chunks`);
  if (!table) throw new Error(`no rollup table ${level}`);
  const rows: RollupRow[] = [];
  const chunks = db.prepare(`SELECT id, data FROM ${table.name} ORDER BY id`).raw().all() as [
    number,
    Uint8Array,
  ][];
  for (const [id, data] of chunks) {
    const { offsets, columns } = decodeRollups(data);
    const start = spanStart(table, spanOfChunk(id));
    offsets.forEach((offset, i) => {
      const row: RollupRow = { owner: ownerOfChunk(id), bucket: start + offset };
      table.columns.forEach((name, c) => {
        row[name] = columns[c]?.[i] ?? null;
      });
      rows.push(row);
    });
  }
  return rows;
}
