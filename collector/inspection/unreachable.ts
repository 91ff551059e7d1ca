// Whose fault a unit's unreachable time is: a check down while a check it depends on was down was
// unreachable because of that parent (availability.ts counts the time per check). The report
// leaves it out of the check's availability and counts it against the parent's category instead,
// read here from the per-check times and today's dependencies (dependsOn, or the unit's root).

import type { Readers } from "./readers.js";

/** A parent whose failures made checks of a category unreachable, and for how long in all. */
export interface UnreachableCause {
  agent: string;
  check: string;
  title: string | null;
  category: string;
  ms: number;
}

export interface UnreachableAttribution {
  /** Per category of the dependents: the parents they were unreachable because of, longest first. */
  causes: Map<string, UnreachableCause[]>;
  /** Per category of the parents: how long their dependents were unreachable because of them. */
  caused: Map<string, number>;
}

/**
 * The unit's unreachable time in [from, to), each dependent's by the first parent it names (the
 * unit's root for its remote checks).
 */
export function unreachableAttribution(
  ctx: Readers,
  unit: string,
  from: number,
  to: number,
  now: number,
  title: (unit: string, agent: string, check: string) => string | null,
): UnreachableAttribution {
  const causes = new Map<string, UnreachableCause[]>();
  const caused = new Map<string, number>();
  const checks = ctx.history.catalog.unitChecks(unit);
  const byName = new Map(checks.map((c) => [`${c.agentId}\u0000${c.check}`, c]));
  // Only a check with a parent can have its time counted against one: only those are read.
  const dependents = checks.flatMap((check) => {
    const names = ctx.history.dependencies.parents(check.agentId, unit, check.check);
    const parent = names
      .map((name) => byName.get(`${check.agentId}\u0000${name}`))
      .find((p) => p !== undefined);
    // A dependency removed since: the time stays left out, its cause unknown now.
    return parent === undefined ? [] : [{ check, parent }];
  });
  if (dependents.length === 0) return { causes, caused };
  const times = ctx.history.availability.checkTimes(
    unit,
    from,
    to,
    now,
    new Set(dependents.map((d) => d.check.id)),
  );
  for (const { check, parent } of dependents) {
    const ms = Math.round(times.get(check.id)?.link ?? 0);
    if (ms <= 0) continue;
    const list = causes.get(check.category) ?? [];
    const known = list.find((c) => c.agent === parent.agent && c.check === parent.check);
    if (known) known.ms += ms;
    else {
      list.push({
        agent: parent.agent,
        check: parent.check,
        title: title(unit, parent.agent, parent.check),
        category: parent.category,
        ms,
      });
    }
    causes.set(check.category, list);
    caused.set(parent.category, (caused.get(parent.category) ?? 0) + ms);
  }
  for (const list of causes.values()) list.sort((a, b) => b.ms - a.ms);
  return { causes, caused };
}
