// A unit's condition now, the worst thing a leader must know about it, with what explains it: no
// agent installed (nothing is watched), its agents silent (nothing is known), a category down (a
// service citizens use is out), some checks down, categories without checks or data, or all well.
// The overview ranks units by it, worst first, and says it in words.
import { CATEGORIES } from "../../shared/categories.js";
import type { CategoryNow, FailingCheck } from "./check-status.js";

export const CONDITION_LEVELS = [
  "not_set_up",
  "silent",
  "down",
  "degraded",
  "partial",
  "ok",
] as const;
export type ConditionLevel = (typeof CONDITION_LEVELS)[number];

export interface UnitCondition {
  level: ConditionLevel;
  /** Agents enrolled and not revoked (not_set_up: they never connected, or there are none). */
  enrolled: number;
  /** silent: since when the first of its agents has been silent. */
  silentSince: number | null;
  /** down, degraded: the category said, the first check failing in it, and its counts. */
  category: string | null;
  failing: FailingCheck | null;
  down: number;
  checks: number;
  /** down: checks down in other categories besides. */
  moreDown: number;
  /** partial: categories with no check, or no data now. */
  missing: string[];
}

export interface ConditionInput {
  categories: Record<string, CategoryNow>;
  /** The unit's agents not revoked: when last heard from, and since when silent (open silence). */
  agents: readonly { lastSeen: number | null; silentSince: number | null }[];
}

export function unitCondition(input: ConditionInput): UnitCondition {
  const categories = CATEGORIES.map((c) => [c, input.categories[c] as CategoryNow] as const);
  const connected = input.agents.filter((a) => a.lastSeen !== null);
  const base: UnitCondition = {
    level: "ok",
    enrolled: input.agents.length,
    silentSince: null,
    category: null,
    failing: null,
    down: 0,
    checks: 0,
    moreDown: 0,
    missing: [],
  };
  if (connected.length === 0) return { ...base, level: "not_set_up" };
  const silent = connected.filter((a) => a.silentSince !== null);
  if (silent.length === connected.length) {
    return {
      ...base,
      level: "silent",
      silentSince: Math.min(...silent.map((a) => a.silentSince as number)),
    };
  }
  const totalDown = categories.reduce((n, [, c]) => n + c.down, 0);
  const whole = categories.find(([, c]) => c.state === "down" && c.down >= c.checks);
  const some = categories.find(([, c]) => c.down > 0);
  const named = whole ?? some;
  if (named) {
    const [category, c] = named;
    return {
      ...base,
      level: whole ? "down" : "degraded",
      category,
      failing: c.failing[0] ?? null,
      down: c.down,
      checks: c.checks,
      moreDown: totalDown - c.down,
    };
  }
  const missing = categories.filter(([, c]) => c.state !== "up").map(([category]) => category);
  if (missing.length > 0 || silent.length > 0) return { ...base, level: "partial", missing };
  return base;
}

/** Worst first: the level, then more categories not up, then the lower availability. */
export function compareConditions(
  a: { condition: UnitCondition; availability: number | null; notUp: number },
  b: { condition: UnitCondition; availability: number | null; notUp: number },
): number {
  const level = (x: UnitCondition) => CONDITION_LEVELS.indexOf(x.level);
  return (
    level(a.condition) - level(b.condition) ||
    b.notUp - a.notUp ||
    (a.availability ?? 2) - (b.availability ?? 2)
  );
}
