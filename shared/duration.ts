// Durations as people write them in config files ("500ms", "30s", "5m", "24h", "7d", "2y"), parsed once.
import { z } from "zod";

/** A year is 365 days: retention periods are written in years, and a leap day does not matter there. */
const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
} as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|y)$/;

/** Milliseconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

export function formatDuration(ms: number): string {
  if (ms % UNIT_MS.y === 0 && ms > 0) return `${ms / UNIT_MS.y}y`;
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A zod schema taking "30s" and giving 30000 (milliseconds), with bounds. */
export function duration(options: { min?: number; max?: number } = {}) {
  const min = options.min ?? 1;
  const max = options.max ?? 366 * 86_400_000;
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `invalid duration "${text}" (write e.g. 500ms, 30s, 5m, 24h)`,
      });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({
        code: "custom",
        message: `duration "${text}" is out of range ${formatDuration(min)}..${formatDuration(max)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}
