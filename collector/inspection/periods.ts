// Calendar periods in Vietnam time, as leaders inspect and sign them: the month just ended (what
// needs signing on the 1st), the periods before and after one, and the recent ones a picker offers.
import { type Period, parsePeriod, VIETNAM_OFFSET_MS } from "../../shared/api-query.js";

/** The month, quarter or year `steps` away from `period` (negative: earlier). */
export function shiftPeriod(period: Period, steps: number): Period {
  const [year, rest] = period.id.split("-") as [string, string | undefined];
  if (period.kind === "year") return parsePeriod(String(Number(year) + steps)) as Period;
  const per = period.kind === "month" ? 1 : 3;
  const first = period.kind === "month" ? Number(rest) - 1 : (Number(rest?.slice(1)) - 1) * 3;
  const month = Number(year) * 12 + first + steps * per;
  const y = Math.floor(month / 12);
  const m = month % 12;
  const id =
    period.kind === "month"
      ? `${y}-${String(m + 1).padStart(2, "0")}`
      : `${y}-Q${Math.floor(m / 3) + 1}`;
  return parsePeriod(id) as Period;
}

/** The month `ts` falls in, in Vietnam. */
export function monthOf(ts: number): Period {
  return parsePeriod(new Date(ts + VIETNAM_OFFSET_MS).toISOString().slice(0, 7)) as Period;
}

/** The last month that is over: the one a leader signs from its first day on. */
export function lastEndedMonth(now: number): Period {
  return shiftPeriod(monthOf(now), -1);
}

/** A period is signed once it is over. */
export function isOver(period: Period, now: number): boolean {
  return period.to <= now;
}

/** Periods a picker offers, newest first: the last twelve months, eight quarters and three years. */
export function recentPeriods(now: number): Period[] {
  const month = monthOf(now);
  const quarter = parsePeriod(
    `${month.id.slice(0, 4)}-Q${Math.floor((Number(month.id.slice(5)) - 1) / 3) + 1}`,
  ) as Period;
  const year = parsePeriod(month.id.slice(0, 4)) as Period;
  const range = (from: Period, n: number) =>
    Array.from({ length: n }, (_, i) => shiftPeriod(from, -i));
  return [...range(month, 13), ...range(quarter, 8), ...range(year, 3)];
}

/** Periods a leader may sign: those over, newest first. */
export function signablePeriods(now: number): Period[] {
  return recentPeriods(now).filter((p) => isOver(p, now));
}
