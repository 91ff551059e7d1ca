// What can be read back from a corrupt buffer file: its rows (each decoded, to be sure of it), its
// counts and next seq, and how many samples are lost. Rows are read in id order from the start until
// the damage, then backwards from the end until it; each id between is then looked up on its own,
// so damage in the middle loses only the rows on the damaged pages. A row that cannot be read at all
// counts as the average row read, so the loss is an estimate, said as such.
import type Database from "better-sqlite3";
import { decodeRow } from "./codec.js";
import { DROP_REASONS, type DropReason } from "./entry.js";
import {
  CORRUPT_FILES_KEY,
  type Counts,
  DROPPED_KEY,
  type NewRow,
  type OutboxRows,
  zeroCounts,
} from "./rows.js";

export interface Salvage {
  /** Rows read and decoded whole, oldest first, with their batch's seq when numbered. */
  rows: (NewRow & { seq: number | null })[];
  /** The old file's drop counts, when they could be read. */
  counts: Counts | undefined;
  nextSeq: number | undefined;
  /**
   * Samples the old file held that could not be read back: exact when only bodies were damaged,
   * estimated from the average row when rows could not be read at all; undefined when nothing could.
   */
  lost: number | undefined;
  salvagedSamples: number;
}

export const NOTHING_SALVAGED: Salvage = {
  rows: [],
  counts: undefined,
  nextSeq: undefined,
  lost: undefined,
  salvagedSamples: 0,
};

type Row = NewRow & { id: number; seq: number | null };

const COLUMNS = "id, items, bytes, size, format, body, seq";
/** Ids looked up one by one between the two scans, at most (a 256 MiB file holds fewer rows). */
const MAX_LOOKUPS = 2_000_000;

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Rows in `order` until the first one that cannot be read; `stopAt` ends a backward scan. */
function scan(db: Database.Database, order: "ASC" | "DESC", stopAt = 0): Row[] {
  const out: Row[] = [];
  try {
    const rows = db
      .prepare(`SELECT ${COLUMNS} FROM entries ORDER BY id ${order}`)
      .iterate() as Iterable<Row>;
    for (const row of rows) {
      if (order === "DESC" && row.id <= stopAt) break;
      out.push(row);
    }
  } catch {
    // the damage: keep what came before it
  }
  return out;
}

/** Reads what it can of a corrupt file's rows and state, each part on its own. */
export function readWhatIsLeft(db: Database.Database): Salvage {
  const total = attempt(
    () => db.prepare("SELECT coalesce(sum(items), 0) FROM entries").pluck().get() as number,
  );
  const forward = scan(db, "ASC");
  const lastForward = forward[forward.length - 1]?.id ?? 0;
  const backward = scan(db, "DESC", lastForward).reverse();
  const firstBackward = backward[0]?.id ?? lastForward + 1;
  // Between the scans: each id on its own. Missing ones were deleted (sent); erring ones are lost.
  const between: Row[] = [];
  let unreadableRows = 0;
  const byId = attempt(() => db.prepare(`SELECT ${COLUMNS} FROM entries WHERE id = ?`));
  const gapEnd = backward.length > 0 ? firstBackward : lastForward + 1;
  for (let id = lastForward + 1; byId && id < gapEnd && id - lastForward < MAX_LOOKUPS; id++) {
    try {
      const row = byId.get(id) as Row | undefined;
      if (row) between.push(row);
    } catch {
      unreadableRows++;
    }
  }
  const rows: Salvage["rows"] = [];
  let salvagedSamples = 0;
  let undecodable = 0;
  for (const { id: _id, ...row } of [...forward, ...between, ...backward]) {
    if (attempt(() => decodeRow(row.format ?? 1, row.body)) === undefined) {
      undecodable += row.items;
      continue;
    }
    rows.push({ ...row, format: row.format ?? 1 });
    salvagedSamples += row.items;
  }
  const state = attempt(
    () =>
      new Map(
        (db.prepare("SELECT key, value FROM state").all() as { key: string; value: number }[]).map(
          (r) => [r.key, r.value],
        ),
      ),
  );
  const counts: Counts | undefined = state && {
    dropped: Object.fromEntries(
      DROP_REASONS.map((reason) => [reason, state.get(DROPPED_KEY[reason]) ?? 0]),
    ) as Record<DropReason, number>,
    corruptFiles: state.get(CORRUPT_FILES_KEY) ?? 0,
  };
  const average = rows.length > 0 ? salvagedSamples / rows.length : 0;
  const estimated = undecodable + Math.round(unreadableRows * average);
  const nothingRead = forward.length === 0 && backward.length === 0 && between.length === 0;
  return {
    rows,
    counts,
    nextSeq: state?.get("next_seq"),
    lost:
      total !== undefined
        ? Math.max(undecodable, total - salvagedSamples)
        : nothingRead && unreadableRows === 0
          ? undefined
          : estimated,
    salvagedSamples,
  };
}

/**
 * Writes what was salvaged into a fresh file: the rows (numbered ones keep their seq, so the
 * collector recognises a batch it already has), the next seq, and the counts with the loss added.
 */
export function restore(rows: OutboxRows, salvage: Salvage): Counts {
  let highestSeq = 0;
  for (const { seq, ...row } of salvage.rows) {
    rows.insert(row, seq ?? undefined);
    if (seq !== null && seq > highestSeq) highestSeq = seq;
  }
  rows.setNextSeq(Math.max(salvage.nextSeq ?? 1, highestSeq + 1));
  const before = salvage.counts ?? zeroCounts();
  const counts: Counts = {
    dropped: { ...before.dropped, corrupt: before.dropped.corrupt + (salvage.lost ?? 0) },
    corruptFiles: before.corruptFiles + 1,
  };
  rows.setCounts(counts);
  return counts;
}
