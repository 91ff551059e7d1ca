// Durations as people write them in config files ("500ms", "30s", "5m", "1m30s", "24h", "7d", "2y"),
// parsed once.
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
type Unit = keyof typeof UNIT_MS;
/** Largest first: in "1h30m" each unit is smaller than the one before (as Go's time.ParseDuration). */
const UNIT_ORDER: readonly Unit[] = ["y", "d", "h", "m", "s", "ms"];
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|y))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|y)/g;
const EXAMPLES = "durations are written like 500ms, 30s, 5m, 1m30s, 24h";

/** Milliseconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let ms = 0;
  let previous = -1;
  for (const [, amount, unit] of trimmed.matchAll(PART)) {
    const rank = UNIT_ORDER.indexOf(unit as Unit);
    if (rank <= previous) return undefined;
    previous = rank;
    ms += Number(amount) * UNIT_MS[unit as Unit];
  }
  return Math.round(ms);
}

/** Words people write for units, in English and Vietnamese, for the hint in an error. */
const UNIT_WORDS: readonly [RegExp, Unit][] = [
  [/^(?:ms|millis(?:econds?)?|mili ?giây)$/i, "ms"],
  [/^(?:s|secs?|seconds?|giây)$/i, "s"],
  [/^(?:m|mins?|minutes?|phút)$/i, "m"],
  [/^(?:h|hrs?|hours?|giờ|tiếng)$/i, "h"],
  [/^(?:d|days?|ngày)$/i, "d"],
];

/** "5 minutes" → "5m": what the author most likely meant, or undefined. */
function suggestion(text: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(\S.*)$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount, word = ""] = match;
  const unit = UNIT_WORDS.find(([pattern]) => pattern.test(word.trim()))?.[1];
  return unit ? `${amount}${unit}` : undefined;
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
      const guess = suggestion(text);
      ctx.addIssue({
        code: "custom",
        message: `invalid duration "${text}" (${guess ? `write ${guess}; ` : ""}${EXAMPLES})`,
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
