// The downtime a leader reads: the time in a period when at least one check of a category (or of
// the unit) was in an incident, as a union over its checks, less the time the check's own agent
// was silent (nothing was seen down then). A sum over checks would count one outage of two
// checks twice and, over a month of twenty checks, read as days beside an availability of 99.5%.
import { type Interval, intersect, union } from "./availability.js";
import type { Incident } from "./incident-list.js";

/** The parts of `intervals` (sorted, disjoint) outside `holes` (any order). */
export function subtract(intervals: readonly Interval[], holes: readonly Interval[]): Interval[] {
  return outside(intervals, union(holes));
}

/** The parts of `intervals` (sorted, disjoint) outside `cut` (sorted, disjoint: a union). */
function outside(intervals: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const { start, end } of intervals) {
    let at = start;
    for (const hole of cut) {
      if (hole.end <= at || hole.start >= end) continue;
      if (hole.start > at) out.push({ start: at, end: hole.start });
      at = Math.max(at, hole.end);
    }
    if (at < end) out.push({ start: at, end });
  }
  return out;
}

export function length(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, i) => sum + (i.end - i.start), 0);
}

/**
 * Where the check of an incident had results between `from` and `to` (the rollup buckets holding
 * any), or undefined when that cannot be told.
 */
export type ResultSpans = (incident: Incident, from: number, to: number) => Interval[] | undefined;

/**
 * Incidents longer than this are held to the time their check had results: the gaps that matter
 * (a check without results for hours or weeks) are in long incidents, and the few of them keep a
 * city's summary from reading the rollups once per incident.
 */
export const LONG_INCIDENT_MS = 2 * 3_600_000;

/**
 * Per check incident, its time in [from, until) while its agent was reporting: the incident stays
 * open while its agent is silent, but nothing was seen down then. A long incident is also held to
 * the time its check had results (`spans`): one that opened, then saw no result for weeks (a check
 * taken out of agent.yaml, a batch from last month) is not weeks of downtime beside an
 * availability that counts those weeks as no data.
 */
export function observedDown(
  incidents: readonly Incident[],
  from: number,
  until: number,
  spans?: ResultSpans,
  /** Time not counted as down though the incident was open: planned maintenance of its check. */
  excused?: (incident: Incident, from: number, to: number) => Interval[],
): Map<Incident, Interval[]> {
  const silences = new Map<string, Interval[]>();
  for (const i of incidents) {
    if (i.kind !== "silence") continue;
    const list = silences.get(i.agent) ?? [];
    list.push({ start: i.start, end: i.end ?? until });
    silences.set(i.agent, list);
  }
  // Each agent's silences as one union, made once: a month of a unit is hundreds of incidents of
  // a few agents, and their union made again for each incident was most of a report's garbage.
  const silent = new Map<string, Interval[]>();
  for (const [agent, list] of silences) silent.set(agent, union(list));
  const out = new Map<Incident, Interval[]>();
  for (const i of incidents) {
    if (i.kind !== "check") continue;
    const start = Math.max(i.start, from);
    const end = Math.min(i.end ?? until, until);
    let own: Interval[] = end > start ? [{ start, end }] : [];
    const seen = end - start > LONG_INCIDENT_MS ? spans?.(i, start, end) : undefined;
    if (seen) own = intersect(own, union(seen));
    const planned = excused?.(i, start, end) ?? [];
    out.set(
      i,
      planned.length === 0
        ? outside(own, silent.get(i.agent) ?? [])
        : subtract(own, [...(silences.get(i.agent) ?? []), ...planned]),
    );
  }
  return out;
}

/** The time at least one of these incidents' checks was seen down: the union of their times. */
export function disrupted(
  down: ReadonlyMap<Incident, Interval[]>,
  which: (i: Incident) => boolean,
) {
  const all: Interval[] = [];
  // forEach: no entry array made per incident, seven times a unit.
  down.forEach((intervals, incident) => {
    if (which(incident)) for (const interval of intervals) all.push(interval);
  });
  return unionLength(all);
}

/** length(union(intervals)), without making the union: the same sum, in the same order. */
function unionLength(intervals: Interval[]): number {
  intervals.sort((a, b) => a.start - b.start);
  let sum = 0;
  let open: Interval | undefined;
  let end = 0;
  for (const i of intervals) {
    if (open && i.start <= end) end = Math.max(end, i.end);
    else {
      if (open) sum += end - open.start;
      open = i;
      end = i.end;
    }
  }
  return open ? sum + (end - open.start) : sum;
}
