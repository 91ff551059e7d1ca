// Inspection sign-offs: the record a unit's leader signs, with their own account, after inspecting
// a period that is over. Rows are only ever added; triggers refuse UPDATE and DELETE, so a record
// cannot be changed silently: a correction is a new record.
import { z } from "zod";
import { parsePeriod, VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import type { Db } from "../db/database.js";
import { isOver } from "./periods.js";

/** What can be wrong with a sign-off form, as codes the pages say in the reader's language. */
export const SIGNOFF_PROBLEMS = [
  "period_invalid",
  "period_not_over",
  "date_invalid",
  "date_before_period",
  "date_future",
  "findings_missing",
  "text_too_long",
  "not_confirmed",
  "form_invalid",
] as const;
export type SignoffProblem = (typeof SIGNOFF_PROBLEMS)[number];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The day `ts` falls on in Vietnam, YYYY-MM-DD. */
export function vietnamDay(ts: number): string {
  return new Date(ts + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

function realDate(text: string): boolean {
  const day = new Date(`${text}T00:00:00Z`);
  return DATE.test(text) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(text);
}

/**
 * The sign-off form as of `now`: a period that is over; the day of the inspection on or after the
 * period's first day and not after today (Vietnam time); findings; and the statement confirmed.
 * Each problem is a custom issue whose message is its code (SIGNOFF_PROBLEMS).
 */
export function signoffFormSchema(now: number) {
  return z
    .strictObject({
      period: z.string().max(20),
      date: z.string().max(20),
      findings: z.string().trim().max(4000, "text_too_long"),
      actions: z.string().trim().max(4000, "text_too_long").default(""),
      confirm: z.string().max(10).optional(),
    })
    .superRefine((form, ctx) => {
      const problem = (path: string, code: SignoffProblem) =>
        ctx.addIssue({ code: "custom", path: [path], message: code });
      const period = parsePeriod(form.period);
      if (!period) problem("period", "period_invalid");
      else if (!isOver(period, now)) problem("period", "period_not_over");
      if (!realDate(form.date)) problem("date", "date_invalid");
      else if (form.date > vietnamDay(now)) problem("date", "date_future");
      else if (period && form.date < vietnamDay(period.from)) problem("date", "date_before_period");
      if (form.findings === "") problem("findings", "findings_missing");
      if (form.confirm !== "yes") problem("confirm", "not_confirmed");
    })
    .transform(({ confirm: _, ...input }) => input);
}
export type SignoffInput = z.output<ReturnType<typeof signoffFormSchema>>;

/** Who signed: the account logged in, and the leader's name and title from collector.yaml. */
export interface Signer {
  account: string;
  name: string;
  title: string | null;
}

export interface Signoff extends SignoffInput {
  id: number;
  unit: string;
  /** The leader's name (older records: the name the user wrote). */
  inspector: string;
  inspectorTitle: string | null;
  /** The account that signed. */
  recordedBy: string;
  recordedAt: number;
}

export function addSignoff(
  db: Db,
  unit: string,
  input: SignoffInput,
  signer: Signer,
  now: number,
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO signoffs (unit_id, period, inspector, inspector_title, date, findings, actions,
          recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        unit,
        input.period,
        signer.name,
        signer.title,
        input.date,
        input.findings,
        input.actions,
        signer.account,
        now,
      ).lastInsertRowid,
  );
}

const SELECT = `SELECT id, unit_id AS unit, period, inspector, inspector_title AS inspectorTitle,
  date, findings, actions, recorded_by AS recordedBy, recorded_at AS recordedAt FROM signoffs`;

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
