// How a window is answered: whole days, hours and 5-minute buckets from rollups where they are
// complete and kept, raw samples for the rest, and where raw samples are gone (past raw
// retention) the covering rollup bucket in proportion to the overlap.
import { ceilTo, floorTo, type Level } from "./buckets.js";

export type Piece =
  /** Buckets first..last-1 of a level, whole. */
  | { kind: "buckets"; level: Level; first: number; last: number }
  /** One bucket of a level, counted for `fraction` of its time. */
  | { kind: "partial"; level: Level; bucket: number; fraction: number }
  /** [from, to) computed from raw samples. */
  | { kind: "raw"; from: number; to: number };

export interface PlanInput {
  from: number;
  to: number;
  /** Rollups are complete before this time. */
  rolledUpBefore: number;
  /** Bucket levels, coarsest first. */
  levels: readonly Level[];
  /** Oldest time still kept, per level name and "raw". */
  keptFrom: (level: Level | "raw") => number;
}

export function planWindow(input: PlanInput): Piece[] {
  const pieces: Piece[] = [];
  const { from, to, levels, keptFrom } = input;
  const rolled = Math.min(to, Math.max(from, input.rolledUpBefore));
  const rawFrom = keptFrom("raw");

  const proportional = (a: number, b: number) => {
    // The finest level that still has the bucket holding `a`.
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i] as Level;
      if (floorTo(level, a) < ceilTo(level, keptFrom(level))) continue;
      for (let start = floorTo(level, a); start < b; start += level.size) {
        const overlap = Math.min(b, start + level.size) - Math.max(a, start);
        if (overlap <= 0) continue;
        const bucket = Math.round((start + level.offset) / level.size);
        pieces.push({ kind: "partial", level, bucket, fraction: overlap / level.size });
      }
      return;
    }
  };

  const cover = (a: number, b: number, i: number): void => {
    if (a >= b) return;
    const level = levels[i];
    if (!level) {
      if (b > rawFrom) pieces.push({ kind: "raw", from: Math.max(a, rawFrom), to: b });
      if (a < rawFrom) proportional(a, Math.min(b, rawFrom));
      return;
    }
    const start = Math.max(ceilTo(level, a), ceilTo(level, keptFrom(level)));
    const end = floorTo(level, b);
    if (start >= end) {
      cover(a, b, i + 1);
      return;
    }
    pieces.push({
      kind: "buckets",
      level,
      first: Math.round((start + level.offset) / level.size),
      last: Math.round((end + level.offset) / level.size),
    });
    cover(a, start, i + 1);
    cover(end, b, i + 1);
  };

  cover(from, rolled, 0);
  if (to > rolled) pieces.push({ kind: "raw", from: rolled, to });
  return pieces;
}
