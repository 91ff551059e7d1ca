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
    for (const row of rows) {
      const at = where.get(row.id) as IncidentSeries;
      const parents = this.dependencies.parentSeries(at.agentId, row.unit, row.check ?? "");
      if (parents.length === 0) continue;
      const own = byUnit.get(row.unit);
      if (own) own.push({ row, parents });
      else byUnit.set(row.unit, [{ row, parents }]);
    }
    for (const [unit, own] of byUnit) {
      const starts = own.map((o) => o.row.start);
      const series = [...new Set(own.flatMap((o) => o.parents))];
      // A parent incident can explain one that began up to a hold time before it.
      const found = this.#parentIncidents.all({
        unit,
        series: JSON.stringify(series),
        earliest: Math.min(...starts),
        latest: Math.max(...starts) + 86_400_000,
      }) as [number, number, number, number | null][];
      // Per parent series, its incidents in the order read (by start, so by `from` as well: a
      // series has one hold), each with its place in that order: the first in it is the cause.
      const spans = new Map<
        number,
        { at: number; id: number; from: number; end: number | null }[]
      >();
      found.forEach(([id, seriesId, start, end], at) => {
        const span = { at, id, from: start - holdCap({ interval: this.#interval(seriesId) }), end };
        const list = spans.get(seriesId);
        if (list) list.push(span);
        else spans.set(seriesId, [span]);
      });
      for (const { row, parents } of own) {
        let parent: { at: number; id: number } | undefined;
        for (const seriesId of new Set(parents)) {
          for (const p of spans.get(seriesId) ?? []) {
            if (p.from > row.start || (parent && p.at > parent.at)) break;
            if (p.end === null || row.start < p.end) {
              parent = p;
              break;
            }
          }
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
    const earliest = Math.min(...rows.map((r) => r.start)) - HOUR;
    const latest = Math.max(...rows.map((r) => r.end ?? now));
    for (let depth = 0; depth < MAX_DEPTH && level.size > 0; depth++) {
      const found = this.#dependents.all({
        series: JSON.stringify([...level.keys()]),
        earliest,
        latest,
      }) as [number, number, number, number, number | null, string | null][];
      const next = new Map<number, { incident: Incident; via: string | null }[]>();
      for (const [agentId, seriesId, parentId, start, end, reason] of found) {
        const names = this.#check(seriesId);
        for (const { incident, via } of level.get(parentId) ?? []) {
          // Under the incident it overlaps: from an hour before (the parent's run began before it
          // opened) to its end.
          if (start < incident.start - HOUR || start >= (incident.end ?? now)) continue;
          incident.dependents.push({
            agent: this.agentName(agentId),
            check: names?.check ?? "",
            category: names?.category ?? "",
            start,
            end,
            reason,
            via: via ?? (depth === 0 ? null : this.#name(parentId)),
          });
          const list = next.get(seriesId);
          if (list) list.push({ incident, via: names?.check ?? null });
          else next.set(seriesId, [{ incident, via: names?.check ?? null }]);
        }
      }
      level = next;
    }
    for (const row of rows) {
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
