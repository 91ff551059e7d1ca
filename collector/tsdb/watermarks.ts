// How far each unit's rollups are complete: before `through`, except from `dirtyFrom` on when
// samples arrived late (an agent delivering what it buffered). Queries read raw samples past the
// effective mark, so answers are exact while the rollups catch up.
import type { Db } from "./sqlite.js";

export interface UnitMark {
  through: number;
  dirtyFrom: number | undefined;
}

export class Watermarks {
  readonly #marks = new Map<string, UnitMark>();
  /** Units whose rollups are being made in an edit not saved yet: the earliest late sample since. */
  readonly #lateWhileOpen = new Map<string, number>();
  readonly #markDirty;
  readonly #save;

  constructor(db: Db) {
    const rows = db
      .prepare("SELECT unit_id AS unit, through, dirty_from AS dirtyFrom FROM rollup_state")
      .all() as { unit: string; through: number; dirtyFrom: number | null }[];
    for (const row of rows) {
      this.#marks.set(row.unit, { through: row.through, dirtyFrom: row.dirtyFrom ?? undefined });
    }
    this.#markDirty = db.prepare(
      "UPDATE rollup_state SET dirty_from = min(ifnull(dirty_from, @ts), @ts) WHERE unit_id = @unit",
    );
    this.#save = db.prepare(`
      INSERT INTO rollup_state (unit_id, through, dirty_from) VALUES (?, ?, ?)
      ON CONFLICT (unit_id) DO UPDATE SET through = excluded.through, dirty_from = excluded.dirty_from`);
  }

  get(unit: string): UnitMark | undefined {
    return this.#marks.get(unit);
  }

  /** Rollups of the unit can be trusted before this time; raw samples serve the rest. */
  effective(unit: string): number {
    const mark = this.#marks.get(unit);
    if (!mark) return Number.NEGATIVE_INFINITY;
    return mark.dirtyFrom === undefined ? mark.through : Math.min(mark.through, mark.dirtyFrom);
  }

  /**
   * Called by the batch store inside the transaction that stores a batch whose oldest sample is
   * at `ts`: rollups already made of that time must be made again. Almost always a no-op.
   */
  late(unit: string, ts: number): void {
    const seen = this.#lateWhileOpen.get(unit);
    if (seen !== undefined && ts < seen) this.#lateWhileOpen.set(unit, ts);
    const mark = this.#marks.get(unit);
    if (!mark || ts >= mark.through) return;
    if (mark.dirtyFrom !== undefined && mark.dirtyFrom <= ts) return;
    mark.dirtyFrom = ts;
    this.#markDirty.run({ ts, unit });
  }

  /**
   * Rollups of the unit are being made in an edit kept open over several steps (rollups.ts): a
   * late sample must be known even if it falls after `through`, in buckets already made there.
   */
  open(unit: string): void {
    this.#lateWhileOpen.set(unit, Number.POSITIVE_INFINITY);
  }

  /** The edit is saved or dropped: the earliest sample that arrived late meanwhile, if any. */
  close(unit: string): number | undefined {
    const seen = this.#lateWhileOpen.get(unit);
    this.#lateWhileOpen.delete(unit);
    return seen === undefined || seen === Number.POSITIVE_INFINITY ? undefined : seen;
  }

  set(unit: string, mark: UnitMark): void {
    this.#marks.set(unit, mark);
    this.#save.run(unit, mark.through, mark.dirtyFrom ?? null);
  }
}
