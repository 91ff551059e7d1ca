// The state of checks and categories now, from each check's newest result: a result counts for
// at most twice the check's interval, after that the check has no data. A result dated ahead of
// the clock (stored before ingest refused such results) is not the newest: it is passed over.
import { CATEGORIES } from "../../shared/categories.js";
import { MAX_AHEAD_MS } from "../../shared/protocol.js";
import type { Db } from "../db/database.js";
import {
  type CheckSeries,
  holdCap,
  type SampleReader,
  type Samples,
  slice,
} from "../tsdb/index.js";

export type CheckState = "up" | "down" | "no_data";
export type CategoryState = CheckState | "no_checks";

export interface CheckNow {
  state: CheckState;
  /** Time of the newest result, if any is stored. */
  lastResult: number | null;
  /** The newest result's failure, when it failed. */
  reason: string | null;
  message: string | null;
}

/** A check down now, as a category names it. */
export interface FailingCheck {
  agent: string;
  check: string;
  title: string | null;
  reason: string | null;
  message: string | null;
}

export interface CategoryNow {
  state: CategoryState;
  checks: number;
  down: number;
  /** The checks down now, at most a few (the count is `down`). */
  failing: FailingCheck[];
  /** Its down checks are all down while a check they depend on is down: that parent's fault. */
  cause: "link" | null;
}

export class CheckStatus {
  readonly #failure;

  constructor(
    db: Db,
    private readonly samples: SampleReader,
  ) {
    this.#failure = db.prepare(
      "SELECT reason, message FROM failures WHERE agent_id = ? AND check_name = ? AND ts = ?",
    );
  }

  /** The state now of each check, reading each agent's recent rows once. */
  many(checks: readonly CheckSeries[], now: number): Map<number, CheckNow> {
    const back = Math.max(0, ...checks.map((c) => holdCap(c)));
    const latest = now + MAX_AHEAD_MS;
    const read = this.samples.readMany(checks, now - back, latest);
    const out = new Map<number, CheckNow>();
    for (const check of checks) {
      const recent = read.get(check.id) ?? { ts: [], values: [] };
      out.set(check.id, this.#state(check, slice(recent, now - holdCap(check), latest)));
    }
    return out;
  }

  #state(check: CheckSeries, recent: Samples): CheckNow {
    const n = recent.ts.length - 1;
    if (n < 0) {
      const last = this.samples.last(check.id);
      return { state: "no_data", lastResult: last?.ts ?? null, reason: null, message: null };
    }
    const ts = recent.ts[n] as number;
    if ((recent.values[n] as number) > 0) {
      return { state: "up", lastResult: ts, reason: null, message: null };
    }
    const failure = this.#failure.get(check.agentId, check.check, ts) as
      | { reason: string; message: string | null }
      | undefined;
    return {
      state: "down",
      lastResult: ts,
      reason: failure?.reason ?? null,
      message: failure?.message ?? null,
    };
  }
}

/** Failing checks a category lists. */
const FAILING_LISTED = 3;

/** Each category's state from its checks' states; every category of CATEGORIES is present. */
export function categoryStates(
  checks: readonly {
    category: string;
    state: CheckState;
    failing?: FailingCheck;
    parentDown?: boolean;
  }[],
): Record<string, CategoryNow> {
  const out: Record<string, CategoryNow> = {};
  for (const category of CATEGORIES) {
    out[category] = { state: "no_checks", checks: 0, down: 0, failing: [], cause: null };
  }
  for (const check of checks) {
    const entry = out[check.category];
    if (!entry) continue;
    entry.checks++;
    if (check.state === "down") entry.down++;
    if (check.state === "down" && check.failing && entry.failing.length < FAILING_LISTED) {
      entry.failing.push(check.failing);
    }
    if (check.state === "down") entry.state = "down";
    else if (check.state === "up" && entry.state !== "down") entry.state = "up";
    else if (entry.state === "no_checks") entry.state = "no_data";
  }
  for (const [category, entry] of Object.entries(out)) {
    const down = checks.filter((c) => c.category === category && c.state === "down");
    if (down.length > 0 && down.every((c) => c.parentDown)) entry.cause = "link";
  }
  return out;
}

/** The unit's state: down if a category is down, up if any is up, else no data or no checks. */
export function unitState(categories: Record<string, CategoryNow>): CategoryState {
  const states = Object.values(categories).map((c) => c.state);
  if (states.includes("down")) return "down";
  if (states.includes("up")) return "up";
  if (states.includes("no_data")) return "no_data";
  return "no_checks";
}
