// The rollup tables of older releases (a row per bucket: rollup_5m, rollup_1h, scope_5m,
// scope_1h, scope_1d), as those releases wrote them. After an upgrade they are read beside the
// chunks while the upgrade moves them into chunks span by span (layout-upgrade.ts), deleted from
// by retention meanwhile, and dropped once empty. Frozen: nothing writes these tables any more.
import type { Row } from "./rollup-chunks.js";
import type { TimesRow } from "./rollup-reader.js";
import {
  type RollupTable,
  SCOPE_1D,
  SCOPE_1H,
  SCOPE_5M,
  SERIES_1H,
  SERIES_5M,
} from "./rollup-tables.js";
import type { Db } from "./sqlite.js";
import type { Piece } from "./window-plan.js";

export interface LegacyTable {
  readonly name: string;
  /** The chunk table its rows move to. */
  readonly target: RollupTable;
  readonly key: "series_id" | "scope_id";
  /** The table of the owners. */
  readonly owners: "series" | "scopes";
  /** Its columns in the order of the target's. */
  readonly columns: string;
}

const SERIES = "count, min, max, sum, up_ms, observed_ms, link_ms";
const SCOPE = "up_ms, observed_ms, link_ms, covered_ms";
/** In the order the upgrade moves them. */
export const LEGACY_TABLES: readonly LegacyTable[] = [
  { name: "rollup_5m", target: SERIES_5M, key: "series_id", owners: "series", columns: SERIES },
  { name: "rollup_1h", target: SERIES_1H, key: "series_id", owners: "series", columns: SERIES },
  { name: "scope_5m", target: SCOPE_5M, key: "scope_id", owners: "scopes", columns: SCOPE },
  { name: "scope_1h", target: SCOPE_1H, key: "scope_id", owners: "scopes", columns: SCOPE },
  { name: "scope_1d", target: SCOPE_1D, key: "scope_id", owners: "scopes", columns: SCOPE },
];

type Statement = { all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };

export class LegacyRollups {
  #present: boolean;
  readonly #statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    this.#present =
      (db
        .prepare(
          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN (SELECT value FROM json_each(?))",
        )
        .pluck()
        .get(JSON.stringify(LEGACY_TABLES.map((t) => t.name))) as number) > 0;
  }

  /** True until the upgrade has moved every row and dropped the tables. */
  get present(): boolean {
    return this.#present;
  }

  #sql(sql: string, raw = true): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      const prepared = this.db.prepare(sql);
      statement = (raw && prepared.reader ? prepared.raw() : prepared) as Statement;
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** As the release's reader: times summed over a piece's buckets, per id with rows. */
  times(kind: "scope" | "series", piece: Piece, ids: string): TimesRow[] {
    if (piece.kind === "raw") return [];
    const table =
      kind === "scope"
        ? `scope_${piece.level.name}`
        : piece.level.name === "1h"
          ? "rollup_1h"
          : "rollup_5m";
    const key = kind === "scope" ? "scope_id" : "series_id";
    const covered = kind === "scope" ? "covered_ms" : "NULL";
    if (piece.kind === "buckets") {
      return this.#sql(`
        SELECT ${key}, sum(up_ms), sum(observed_ms), sum(link_ms), sum(${covered}) FROM ${table}
        WHERE ${key} IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?
          AND observed_ms IS NOT NULL GROUP BY ${key}`).all(
        ids,
        piece.first,
        piece.last,
      ) as TimesRow[];
    }
    return this.#sql(`
      SELECT ${key}, up_ms, observed_ms, link_ms, ${covered} FROM ${table}
      WHERE ${key} IN (SELECT value FROM json_each(?)) AND bucket = ? AND observed_ms IS NOT NULL`).all(
      ids,
      piece.bucket,
    ) as TimesRow[];
  }

  /** As the release's reader: [series, bucket, mean] of buckets with samples. */
  means(level: "5m" | "1h", ids: string, first: number, last: number): [number, number, number][] {
    return this.#sql(`
      SELECT series_id, bucket, sum / count FROM rollup_${level}
      WHERE series_id IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?
        AND sum IS NOT NULL`).all(ids, first, last) as [number, number, number][];
  }

  /** Retention: the owner's rows before `bucket`. */
  removeBefore(t: LegacyTable, owner: number, bucket: number): void {
    this.#sql(`DELETE FROM ${t.name} WHERE ${t.key} = ? AND bucket < ?`, false).run(owner, bucket);
  }

  /** The first row left (by owner, then bucket), or undefined when the table is empty. */
  first(t: LegacyTable): { owner: number; bucket: number } | undefined {
    const [row] = this.#sql(
      `SELECT ${t.key}, bucket FROM ${t.name} ORDER BY ${t.key}, bucket LIMIT 1`,
    ).all() as [number, number][];
    return row ? { owner: row[0], bucket: row[1] } : undefined;
  }

  /** The owner's rows of buckets [first, last) as [bucket, row]. */
  rows(t: LegacyTable, owner: number, first: number, last: number): [number, Row][] {
    const rows = this.#sql(
      `SELECT bucket, ${t.columns} FROM ${t.name} WHERE ${t.key} = ? AND bucket >= ? AND bucket < ?`,
    ).all(owner, first, last) as [number, ...(number | null)[]][];
    return rows.map(([bucket, ...row]) => [bucket, row]);
  }

  removeRange(t: LegacyTable, owner: number, first: number, last: number): void {
    this.#sql(`DELETE FROM ${t.name} WHERE ${t.key} = ? AND bucket >= ? AND bucket < ?`, false).run(
      owner,
      first,
      last,
    );
  }

  /**
   * The buckets from an owner's first row to its last (two searches of the primary key): its
   * rows, or a little more where it has gaps, for estimating how many rows a table holds.
   */
  spanOf(t: LegacyTable, owner: number): number {
    // Two subqueries: min() and max() together in one query would read all of the owner's rows.
    const [row] = this.#sql(
      `SELECT (SELECT min(bucket) FROM ${t.name} WHERE ${t.key} = ?),
              (SELECT max(bucket) FROM ${t.name} WHERE ${t.key} = ?)`,
    ).all(owner, owner) as [number | null, number | null][];
    const [first, last] = row ?? [null, null];
    return first === null || last === null ? 0 : last - first + 1;
  }

  /** Drops the tables, which the upgrade has emptied. */
  drop(): void {
    this.#statements.clear();
    for (const t of LEGACY_TABLES) this.db.exec(`DROP TABLE IF EXISTS ${t.name}`);
    this.#present = false;
  }
}
