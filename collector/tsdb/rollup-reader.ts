// Reading rollups back: check times summed over the whole buckets, or counted in part from one
// bucket, that a window plan asks for, and the mean of series per bucket for trend lines. Only the
// chunks of the spans asked for are read, and of them only the columns needed. While an upgraded
// store still moves old rollup rows into chunks, those rows are read too (each bucket is in one
// place or the other, never both).
import type { LegacyRollups } from "./legacy-rollups.js";
import type { RollupChunks } from "./rollup-chunks.js";
import {
  chunkIdOf,
  ownerOfChunk,
  type RollupTable,
  rollupTable,
  spanOf,
  spanOfChunk,
  spanStart,
} from "./rollup-tables.js";
import type { Piece } from "./window-plan.js";

/** A series' or scope's id with its up, observed and link time; covered is null for a series. */
export type TimesRow = [
  id: number,
  up: number,
  observed: number,
  link: number,
  covered: number | null,
];

/** Columns of times: up, observed, link and covered of a scope; up, observed, link of a series. */
const SCOPE_TIMES = [0, 1, 2, 3];
const SERIES_TIMES = [4, 5, 6];
const COUNT = 0;
const SUM = 3;

function addTo(row: TimesRow, up: number, observed: number, link: number, covered: number) {
  row[1] += up;
  row[2] += observed;
  row[3] += link;
  if (row[4] !== null) row[4] += covered;
}

export class RollupReader {
  constructor(
    private readonly chunks: RollupChunks,
    private readonly legacy: LegacyRollups,
  ) {}

  /** Each chunk of the owners that holds buckets [first, last), with where its span begins. */
  *#chunks(t: RollupTable, ids: readonly number[], first: number, last: number, wanted: number[]) {
    const from = spanOf(t, first);
    const to = spanOf(t, last - 1);
    const ranges = ids.map((id) => [chunkIdOf(id, from), chunkIdOf(id, to)] as const);
    for (const [id, decoded] of this.chunks.inRanges(t, ranges, wanted)) {
      yield { owner: ownerOfChunk(id), start: spanStart(t, spanOfChunk(id)), ...decoded };
    }
  }

  /**
   * The times of scopes (or of check series) in a piece of a window plan, `ids` a JSON array, by
   * id; none for a piece to be read from raw samples, none for an id without buckets in it.
   */
  times(kind: "scope" | "series", piece: Piece, ids: string): TimesRow[] {
    if (piece.kind === "raw") return [];
    const t = rollupTable(kind, piece.level.name);
    const [first, last] =
      piece.kind === "buckets" ? [piece.first, piece.last] : [piece.bucket, piece.bucket + 1];
    if (last <= first) return [];
    const columns = kind === "scope" ? SCOPE_TIMES : SERIES_TIMES;
    const out = new Map<number, TimesRow>();
    const add = (id: number, up: number, observed: number, link: number, covered: number) => {
      const row = out.get(id);
      if (!row) out.set(id, [id, up, observed, link, kind === "scope" ? covered : null]);
      else addTo(row, up, observed, link, covered);
    };
    const list = JSON.parse(ids) as number[];
    for (const chunk of this.#chunks(t, list, first, last, columns)) {
      const [up, observed, link, covered] = columns.map((c) => chunk.columns[c] ?? []);
      // A chunk is one owner's: its row is looked up once, not once a bucket (a month of a
      // city's checks is millions of buckets), and summed in the same order.
      let row = out.get(chunk.owner);
      const { offsets, start } = chunk;
      for (let i = 0; i < offsets.length; i++) {
        const bucket = start + (offsets[i] as number);
        const seen = observed?.[i];
        if (bucket < first || bucket >= last || seen === null || seen === undefined) continue;
        if (row) addTo(row, up?.[i] ?? 0, seen, link?.[i] ?? 0, covered?.[i] ?? 0);
        else {
          add(chunk.owner, up?.[i] ?? 0, seen, link?.[i] ?? 0, covered?.[i] ?? 0);
          row = out.get(chunk.owner);
        }
      }
    }
    if (this.legacy.present) {
      for (const [id, up, observed, link, covered] of this.legacy.times(kind, piece, ids)) {
        add(id, up ?? 0, observed, link ?? 0, covered ?? 0);
      }
    }
    return [...out.values()].sort((a, b) => a[0] - b[0]);
  }

  /**
   * [series id, bucket, mean] of the series (`ids` a JSON array) in buckets [first, last) of the
   * 5-minute or hourly rollups, by series and bucket; buckets without samples are left out.
   */
  means(level: "5m" | "1h", ids: string, first: number, last: number): [number, number, number][] {
    if (last <= first) return [];
    const out: [number, number, number][] = [];
    const t = rollupTable("series", level);
    for (const chunk of this.#chunks(t, JSON.parse(ids), first, last, [COUNT, SUM])) {
      const count = chunk.columns[COUNT] ?? [];
      const sum = chunk.columns[SUM] ?? [];
      chunk.offsets.forEach((offset, i) => {
        const bucket = chunk.start + offset;
        const total = sum[i];
        if (bucket < first || bucket >= last || total === null || total === undefined) return;
        out.push([chunk.owner, bucket, total / (count[i] as number)]);
      });
    }
    if (this.legacy.present) out.push(...this.legacy.means(level, ids, first, last));
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
}
