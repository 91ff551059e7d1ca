// Query parameters of the collector's JSON API (/api/v1/), validated with zod so the pages that
// link to it build the same values, and an error names the parameter that is wrong.
import { z } from "zod";
import { CATEGORIES } from "./categories.js";
import { duration } from "./duration.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Asia/Ho_Chi_Minh: UTC+7 all year. Calendar periods and dates without an offset use it. */
export const VIETNAM_OFFSET_MS = 7 * HOUR;
export const VIETNAM_TIME_ZONE = "Asia/Ho_Chi_Minh";
/** The longest window asked for at once: ten years, past any retention. */
const MAX_WINDOW_MS = 10 * 365 * DAY;

/** A time: milliseconds since the epoch, or ISO 8601; without an offset, Vietnam time. */
export function parseApiTime(text: string): number | undefined {
  if (/^\d{10,16}$/.test(text)) return Number(text);
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text,
    );
  if (!match) return undefined;
  const [, date, time = "00:00", zone] = match;
  const ms = Date.parse(`${date}T${time}${zone ?? "+07:00"}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const time = z.string().transform((text, ctx) => {
  const ms = parseApiTime(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${text.slice(0, 40)}" is not a time (write 2026-11-01, 2026-11-01T08:00:00+07:00 or milliseconds)`,
    });
    return z.NEVER;
  }
  return ms;
});

const windowLength = duration({ min: 60_000, max: MAX_WINDOW_MS });

const windowFields = {
  /** Length of the window ending at `to` (default now), e.g. 24h, 7d, 30d. */
  window: windowLength.optional(),
  from: time.optional(),
  to: time.optional(),
};

export interface TimeWindow {
  from: number;
  to: number;
}

/** [from, to) from the window parameters; without any, the 24 hours before now. */
export function resolveWindow(
  query: { window?: number | undefined; from?: number | undefined; to?: number | undefined },
  now: number,
): TimeWindow {
  const to = query.to ?? now;
  if (query.from !== undefined) return { from: query.from, to };
  return { from: to - (query.window ?? DAY), to };
}

function checkWindow(
  query: { window?: number | undefined; from?: number | undefined; to?: number | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (query.window !== undefined && query.from !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["window"],
      message: "give either window or from, not both",
    });
  }
  if (query.from !== undefined && query.to !== undefined) {
    if (query.from >= query.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "must be before to" });
    } else if (query.to - query.from > MAX_WINDOW_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: "the window is longer than 10 years",
      });
    }
  }
}

export const windowQuerySchema = z.strictObject(windowFields).superRefine(checkWindow);
export type WindowQuery = z.infer<typeof windowQuerySchema>;

export const incidentQuerySchema = z
  .strictObject({
    ...windowFields,
    unit: z.string().min(1).max(64).optional(),
    category: z.enum(CATEGORIES).optional(),
    state: z.enum(["open", "closed"]).optional(),
    kind: z.enum(["check", "silence"]).optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, "must be a whole number from 1 to 1000")
      .transform(Number)
      .refine((n) => n >= 1 && n <= 1000, "must be a whole number from 1 to 1000")
      .optional(),
  })
  .superRefine(checkWindow);
export type IncidentQuery = z.infer<typeof incidentQuerySchema>;

export const maintenanceQuerySchema = z.strictObject({
  unit: z.string().min(1).max(64).optional(),
});
export type MaintenanceQuery = z.infer<typeof maintenanceQuerySchema>;

export const inventoryQuerySchema = z.strictObject({
  unit: z.string().min(1).max(64).optional(),
  agent: z.string().min(1).max(64).optional(),
  kind: z.string().min(1).max(32).optional(),
});
export type InventoryQuery = z.infer<typeof inventoryQuerySchema>;

export interface Period extends TimeWindow {
  /** As written: 2026-11, 2026-Q4 or 2026. */
  id: string;
  kind: "month" | "quarter" | "year";
}

/** A calendar month, quarter or year in Vietnam time, as [from, to). */
export function parsePeriod(text: string): Period | undefined {
  const match = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$/.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 2000 || year > 2199) return undefined;
  let first = 0;
  let months = 12;
  let kind: Period["kind"] = "year";
  if (match[2] !== undefined) {
    first = Number(match[2]) - 1;
    if (first < 0 || first > 11) return undefined;
    months = 1;
    kind = "month";
  } else if (match[3] !== undefined) {
    first = (Number(match[3]) - 1) * 3;
    months = 3;
    kind = "quarter";
  }
  const start = (month: number) => Date.UTC(year, month, 1) - VIETNAM_OFFSET_MS;
  return { id: text, kind, from: start(first), to: start(first + months) };
}

export const summaryQuerySchema = z.strictObject({
  period: z.string().transform((text, ctx) => {
    const period = parsePeriod(text);
    if (!period) {
      ctx.addIssue({
        code: "custom",
        message: `"${text.slice(0, 20)}" is not a period (write a month 2026-11, a quarter 2026-Q4 or a year 2026)`,
      });
      return z.NEVER;
    }
    return period;
  }),
});
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;
