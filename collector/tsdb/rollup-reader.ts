// Reading the rollup tables back: check times summed over the whole buckets, or counted in part
// from one bucket, that a window plan asks for, and the mean of series per bucket for trend lines.
import type { Db } from "./sqlite.js";
import type { Piece } from "./window-plan.js";

/** A series' or scope's id with its up, observed and link time; covered is null for a series. */
export type TimesRow = [
  id: number,
  up: number,
  observed: number,
  link: number,
  covered: number | null,
];

export class RollupReader {
  readonly #statements = new Map<string, { all(...params: unknown[]): unknown[] }>();
  readonly #means5m;
  readonly #means1h;

  constructor(private readonly db: Db) {
    this.#means5m = db
      .prepare(`
        SELECT series_id, bucket, sum / count FROM rollup_5m
        WHERE series_id IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?
          AND sum IS NOT NULL
        ORDER BY series_id, bucket`)
      .raw();
    this.#means1h = db
      .prepare(`
        SELECT series_id, bucket, sum / count FROM rollup_1h
        WHERE series_id IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?
          AND sum IS NOT NULL
        ORDER BY series_id, bucket`)
      .raw();
  }

  /**
   * The times of scopes (or of check series) in a piece of a window plan, `ids` a JSON array;
   * none for a piece to be read from raw samples.
   */
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
    const sql =
      piece.kind === "buckets"
        ? `SELECT ${key}, sum(up_ms), sum(observed_ms), sum(link_ms), sum(${covered}) FROM ${table}
           WHERE ${key} IN (SELECT value FROM json_each(?)) AND bucket >= ? AND bucket < ?
           AND observed_ms IS NOT NULL GROUP BY ${key}`
        : `SELECT ${key}, up_ms, observed_ms, link_ms, ${covered} FROM ${table}
           WHERE ${key} IN (SELECT value FROM json_each(?)) AND bucket = ? AND observed_ms IS NOT NULL`;
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw();
      this.#statements.set(sql, statement);
    }
    return (
      piece.kind === "buckets"
        ? statement.all(ids, piece.first, piece.last)
        : statement.all(ids, piece.bucket)
    ) as TimesRow[];
  }

  /**
   * [series id, bucket, mean] of the series (`ids` a JSON array) in buckets [first, last) of the
   * 5-minute or hourly rollups, by series and bucket; buckets without samples are left out.
   */
  means(level: "5m" | "1h", ids: string, first: number, last: number): [number, number, number][] {
    const statement = level === "5m" ? this.#means5m : this.#means1h;
    return statement.all(ids, first, last) as [number, number, number][];
  }
}
