// What the dependencies say about incidents read back: an incident of a check that began while a
// check it depends on was in an incident is marked as caused by it (`cause: "link"`, the parent
// incident in `linkIncident`: the parent was not seen down yet when the child opened), and each
// incident lists the failures of the checks that depended on it meanwhile (`dependents`), down
// the chain: a portal behind a gateway behind the data-center link is listed under the link's.
import type { Db } from "../db/database.js";
import { type CheckSeries, HOUR, holdCap, type SeriesCatalog } from "../tsdb/index.js";
import type { Dependencies } from "./dependencies.js";
import type { Incident } from "./incident-list.js";

/** A check that failed while this incident's check (or one depending on it) was down. */
export interface Dependent {
  agent: string;
  check: string;
  category: string;
  start: number;
  /** Null while it lasts. */
  end: number | null;
  reason: string | null;
  /** The check it depended on, when not the incident's own (further down a chain). */
  via: string | null;
}

/** Where an incident's check is: its series and agent. */
export interface IncidentSeries {
  seriesId: number;
  agentId: number;
}

/** How far down a chain of dependencies dependents are looked for. */
const MAX_DEPTH = 8;

export class IncidentRelations {
  readonly #parentIncidents;
  readonly #dependents;

  constructor(
    db: Db,
    private readonly catalog: SeriesCatalog,
    private readonly dependencies: Dependencies,
    private readonly agentName: (id: number) => string,
  ) {
    // Incidents of these series overlapping [earliest, latest], found by their end. SQLite took
    // incidents_unit for the open ones, reading every incident the unit ever had.
    this.#parentIncidents = db
      .prepare(`
        SELECT id, series_id, start_ts, end_ts FROM incidents
        WHERE unit_id = @unit AND end_ts > @earliest AND +start_ts <= @latest AND kind = 'check'
          AND series_id IN (SELECT value FROM json_each(@series))
        UNION ALL
        SELECT id, series_id, start_ts, end_ts FROM incidents INDEXED BY incidents_unit_end
        WHERE unit_id = @unit AND end_ts IS NULL AND +start_ts <= @latest AND kind = 'check'
          AND series_id IN (SELECT value FROM json_each(@series))
        ORDER BY 3`)
      .raw();
    this.#dependents = db
      .prepare(`
        SELECT agent_id, series_id, parent_series_id, start_ts, end_ts, reason
        FROM dependent_failures
        WHERE parent_series_id IN (SELECT value FROM json_each(@series))
          AND start_ts <= @latest AND (end_ts IS NULL OR end_ts > @earliest)
        ORDER BY start_ts`)
      .raw();
  }

  attribute(rows: readonly Incident[], where: ReadonlyMap<number, IncidentSeries>, now: number) {
    const checks = rows.filter((r) => r.kind === "check" && where.has(r.id));
    this.#causes(checks, where);
    this.#listDependents(checks, where, now);
  }

  #causes(rows: readonly Incident[], where: ReadonlyMap<number, IncidentSeries>): void {
    const byUnit = new Map<string, { row: Incident; parents: number[] }[]>();
    // A month of a city is thousands of incidents of a few checks each: their parents once a check.
    const parentsOf = new Map<number, number[]>();
    for (const row of rows) {
      const at = where.get(row.id) as IncidentSeries;
      let parents = parentsOf.get(at.seriesId);
      if (parents === undefined) {
        parents = this.dependencies.parentSeries(at.agentId, row.unit, row.check ?? "");
        parentsOf.set(at.seriesId, parents);
      }
      if (parents.length === 0) continue;
      const own = byUnit.get(row.unit);
      if (own) own.push({ row, parents });
      else byUnit.set(row.unit, [{ row, parents }]);
    }
    for (const [unit, own] of byUnit) {
      let earliest = Number.POSITIVE_INFINITY;
      let latest = Number.NEGATIVE_INFINITY;
      const series = new Set<number>();
      for (const { row, parents } of own) {
        earliest = Math.min(earliest, row.start);
        latest = Math.max(latest, row.start);
        for (const id of parents) series.add(id);
      }
      // A parent incident can explain one that began up to a hold time before it.
      const found = this.#parentIncidents.all({
        unit,
        series: JSON.stringify([...series]),
        earliest,
        latest: latest + 86_400_000,
      }) as [number, number, number, number | null][];
      // Per parent series, its incidents in the order read (by start, so by `from` as well: a
      // series has one hold), each with its place in that order: the first in it is the cause.
      const spans = new Map<number, ParentSpans>();
      found.forEach(([id, seriesId, start, end], at) => {
        const span = { at, id, from: start - holdCap({ interval: this.#interval(seriesId) }), end };
        const list = spans.get(seriesId);
        if (list) {
          const last = list.spans[list.spans.length - 1] as ParentSpan;
          if (last.end === null || (end !== null && end < last.end)) list.ended = false;
          list.spans.push(span);
        } else spans.set(seriesId, { spans: [span], ended: true });
      });
      for (const { row, parents } of own) {
        let parent: ParentSpan | undefined;
        for (const seriesId of parents) {
          const series = spans.get(seriesId);
          if (series === undefined) continue;
          // The first incident of the series that covers the start, unless one that began after
          // it (or after the parent found in another series) comes first.
          const passed = (p: ParentSpan) =>
            p.from > row.start || (parent !== undefined && p.at > parent.at);
          const covers = (p: ParentSpan) => p.end === null || row.start < p.end;
          const p =
            series.spans[
              series.ended
                ? firstIndex(series.spans, covers)
                : series.spans.findIndex((q) => passed(q) || covers(q))
            ];
          if (p !== undefined && !passed(p) && covers(p)) parent = p;
        }
        if (parent) {
          row.cause = "link";
          row.linkIncident = parent.id;
        }
      }
    }
  }

  #listDependents(
    rows: readonly Incident[],
    where: ReadonlyMap<number, IncidentSeries>,
    now: number,
  ): void {
    if (rows.length === 0) return;
    // Each series whose dependents are looked for, with the incidents (and the check it stands
    // for further down) they are listed under.
    let level = new Map<number, { incident: Incident; via: string | null }[]>();
    for (const row of rows) {
      const seriesId = (where.get(row.id) as IncidentSeries).seriesId;
      const list = level.get(seriesId);
      if (list) list.push({ incident: row, via: null });
      else level.set(seriesId, [{ incident: row, via: null }]);
    }
    let earliest = Number.POSITIVE_INFINITY;
    let latest = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      earliest = Math.min(earliest, row.start - HOUR);
      latest = Math.max(latest, row.end ?? now);
    }
    for (let depth = 0; depth < MAX_DEPTH && level.size > 0; depth++) {
      const found = this.#dependents.all({
        series: JSON.stringify([...level.keys()]),
        earliest,
        latest,
      }) as [number, number, number, number, number | null, string | null][];
      const next = new Map<number, { incident: Incident; via: string | null }[]>();
      // Only the series with failures under them are put in order: a few of a month's thousands.
      const under = new Map<number, LevelSpans>();
      const spansOf = (parentId: number) => {
        let spans = under.get(parentId);
        const list = level.get(parentId);
        if (spans === undefined && list !== undefined) {
          spans = byStart(list, now);
          under.set(parentId, spans);
        }
        return spans;
      };
      for (const [agentId, seriesId, parentId, start, end, reason] of found) {
        const names = this.#check(seriesId);
        const parent = underOne(overlapping(spansOf(parentId), start, now), start, now);
        if (parent === undefined) continue;
        const { incident, via } = parent;
        incident.dependents.push({
          agent: this.agentName(agentId),
          check: names?.check ?? "",
          category: names?.category ?? "",
          start,
          end,
          reason,
          via: via ?? (depth === 0 ? null : this.#name(parentId)),
        });
        // Its own dependents go under the same incident, once however often it failed under it.
        const list = next.get(seriesId) ?? [];
        if (!list.some((u) => u.incident === incident)) {
          list.push({ incident, via: names?.check ?? null });
          next.set(seriesId, list);
        }
      }
      level = next;
    }
    for (const row of rows) {
      if (row.dependents.length > 1)
        row.dependents.sort((a, b) => a.start - b.start || a.check.localeCompare(b.check));
    }
  }

  #check(seriesId: number): CheckSeries | undefined {
    const info = this.catalog.get(seriesId);
    return info && "check" in info ? (info as CheckSeries) : undefined;
  }

  #interval(seriesId: number): number | undefined {
    return this.#check(seriesId)?.interval;
  }

  #name(seriesId: number): string | null {
    return this.#check(seriesId)?.check ?? null;
  }
}

/** An incident of a parent series, `at` its place among those read for the unit (by start). */
interface ParentSpan {
  at: number;
  id: number;
  /** One hold time before its start. */
  from: number;
  end: number | null;
}

/**
 * A parent series' incidents by start; `ended` when each ended before the next began (as one
 * series' incidents do), so their ends rise with their starts and can be searched by halves.
 */
interface ParentSpans {
  spans: ParentSpan[];
  ended: boolean;
}

/** The first index whose item meets a test that, once met, every later item meets too. */
function firstIndex<T>(items: readonly T[], met: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (met(items[middle] as T)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Incidents a series' dependents are listed under, with the check they stand for further down. */
type Under = { incident: Incident; via: string | null };

/** A level's incidents of one series (byStart). */
interface LevelSpans {
  list: Under[];
  ended: boolean;
}

/**
 * A level's incidents of one series by start (a stable sort: the same incident twice keeps its
 * order), marked `ended` when each ends (or is cut at now) no later than the next: then the ones
 * a failure overlaps are found by halves instead of a scan of all.
 */
function byStart(list: readonly Under[], now: number): LevelSpans {
  const sorted = [...list].sort((a, b) => a.incident.start - b.incident.start);
  const ended = sorted.every(
    (u, i) => i === 0 || ((sorted[i - 1] as Under).incident.end ?? now) <= (u.incident.end ?? now),
  );
  return { list: sorted, ended };
}

/**
 * The one incident a failure starting at `start` falls under: the last begun by then and still
 * going, else the first begun within the hour after (the failure's run began before the parent's
 * incident opened: their results cross).
 */
function underOne(candidates: Iterable<Under>, start: number, now: number): Under | undefined {
  let going: Under | undefined;
  let ahead: Under | undefined;
  for (const under of candidates) {
    const { incident } = under;
    if (start >= (incident.end ?? now)) continue;
    if (incident.start <= start) {
      if (going === undefined || incident.start >= going.incident.start) going = under;
    } else if (incident.start - HOUR <= start) {
      if (ahead === undefined || incident.start < ahead.incident.start) ahead = under;
    }
  }
  return going ?? ahead;
}

/**
 * Those of the level's incidents that a failure starting at `start` may fall under, in the order
 * of byStart: from the first still going at `start` to the last begun by an hour after it (the
 * caller keeps the exact test); all of them when their ends do not rise with their starts.
 */
function* overlapping(spans: LevelSpans | undefined, start: number, now: number): Generator<Under> {
  if (spans === undefined) return;
  const { list, ended } = spans;
  if (!ended) {
    yield* list;
    return;
  }
  for (let i = firstIndex(list, (u) => (u.incident.end ?? now) > start); i < list.length; i++) {
    const under = list[i] as Under;
    if (under.incident.start - HOUR > start) return;
    yield under;
  }
}
