// Inspection sign-offs: what a unit's leader recorded after inspecting a period. Rows are only
// ever added; triggers refuse UPDATE and DELETE, so a record cannot be changed silently.
import { z } from "zod";
import { parsePeriod } from "../../shared/api-query.js";
import type { Db } from "../db/database.js";

export const signoffFormSchema = z.strictObject({
  period: z
    .string()
    .refine(
      (text) => parsePeriod(text) !== undefined,
      "must be a month (2026-11), a quarter (2026-Q4) or a year (2026)",
    ),
  inspector: z.string().trim().min(1, "is required").max(200),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD)")
    .refine((text) => {
      const day = new Date(`${text}T00:00:00Z`);
      return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
    }, "is not a real date"),
  findings: z.string().trim().min(1, "is required").max(4000),
  actions: z.string().trim().max(4000).default(""),
});
export type SignoffInput = z.output<typeof signoffFormSchema>;

export interface Signoff extends SignoffInput {
  id: number;
  unit: string;
  recordedBy: string;
  recordedAt: number;
}

export function addSignoff(
  db: Db,
  unit: string,
  input: SignoffInput,
  by: string,
  now: number,
): number {
  return Number(
    db
      .prepare(
        "INSERT INTO signoffs (unit_id, period, inspector, date, findings, actions, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(unit, input.period, input.inspector, input.date, input.findings, input.actions, by, now)
      .lastInsertRowid,
  );
}

const SELECT =
  "SELECT id, unit_id AS unit, period, inspector, date, findings, actions, recorded_by AS recordedBy, recorded_at AS recordedAt FROM signoffs";

/** Sign-offs of a unit, newest first; of one period when given. */
export function listSignoffs(db: Db, unit: string, period?: string): Signoff[] {
  return (
    period === undefined
      ? db.prepare(`${SELECT} WHERE unit_id = ? ORDER BY id DESC`).all(unit)
      : db.prepare(`${SELECT} WHERE unit_id = ? AND period = ? ORDER BY id DESC`).all(unit, period)
  ) as Signoff[];
}

/** Sign-offs of one period by unit, newest first, read at once (the city summary). */
export function signoffsOfPeriod(db: Db, period: string): Map<string, Signoff[]> {
  const out = new Map<string, Signoff[]>();
  const rows = db.prepare(`${SELECT} WHERE period = ? ORDER BY id DESC`).all(period) as Signoff[];
  for (const row of rows) {
    const list = out.get(row.unit);
    if (list) list.push(row);
    else out.set(row.unit, [row]);
  }
  return out;
}

/** Units with at least one sign-off for the period. */
export function signedUnits(db: Db, period: string): Set<string> {
  const rows = db
    .prepare("SELECT DISTINCT unit_id FROM signoffs WHERE period = ?")
    .pluck()
    .all(period);
  return new Set(rows as string[]);
}
