// Reading incidents back, with filters, each with what the dependencies say about it: the parent
// incident it began under, and the dependent failures it caused (incident-relations.ts).

import type { Db } from "../db/database.js";
import type { CheckSeries, SeriesCatalog } from "../tsdb/index.js";
import type { Dependencies } from "./dependencies.js";
import { type Dependent, IncidentRelations, type IncidentSeries } from "./incident-relations.js";
import { CheckTitles } from "./titles.js";

export interface IncidentFilter {
  unit?: string | undefined;
  category?: string | undefined;
  state?: "open" | "closed" | undefined;
  kind?: "check" | "silence" | undefined;
  /** Incidents overlapping [from, to). */
  from?: number | undefined;
  to?: number | undefined;
  limit?: number | undefined;
  /** Incidents to skip, newest first: pages of a long list. */
  offset?: number | undefined;
}

export interface Incident {
  id: number;
  kind: "check" | "silence";
  unit: string;
  agent: string;
  check: string | null;
  /** The check's display title (agent.yaml `title`), null without one. */
  title: string | null;
  category: string | null;
  start: number;
  end: number | null;
  /** Until `end`, or until now while open. */
  durationMs: number;
  reason: string | null;
  message: string | null;
  /** "link": it began while a check it depends on was in an incident (linkIncident). */
  cause: "link" | null;
  /** It began inside a planned maintenance window. */
  planned: boolean;
  /** The incident of the check it depends on that it is attributed to. */
  linkIncident: number | null;
  /** Failures of checks that depended on this one while it was down: no incidents of their own. */
  dependents: Dependent[];
}

/** GET /api/v1/incidents: newest first; `truncated` when more matched than were listed. */
export interface IncidentPage {
  truncated: boolean;
  incidents: Incident[];
}

export class IncidentList {
  readonly #byUnits;
  readonly #relations;
  /** The series and agent of each incident just read, for #attribute. */
  readonly #where = new Map<number, IncidentSeries>();
  readonly #agentNames;
  readonly #titles;
  /** Agent names by id; an agent's name never changes. */
  readonly #agents = new Map<number, string>();

  constructor(
    private readonly db: Db,
    private readonly catalog: SeriesCatalog,
    dependencies: Dependencies,
  ) {
    this.#relations = new IncidentRelations(db, catalog, dependencies, (id) => this.#agent(id));
    // Three index ranges: begun in the window (incidents_unit), and begun before it but ended in
    // it or still open (incidents_unit_end), so a report never reads the years before its period.
    // `+start_ts` keeps SQLite from picking incidents_unit for those two. Each unit's incidents
    // come back as one JSON array: far cheaper to hand to JavaScript than a row each. Unordered:
    // JavaScript puts them newest first (byNewest) in a fraction of what SQLite's sorter took for
    // a city's month, as they come mostly in the index's order.
    this.#byUnits = db
      .prepare(`
        SELECT unit_id, json_group_array(
          json_array(id, kind, agent_id, series_id, start_ts, end_ts, reason, message, planned))
        FROM (
          ${SELECT} WHERE i.unit_id IN (SELECT value FROM json_each(@units))
            AND i.start_ts >= @from AND i.start_ts < @to
          UNION ALL
          ${SELECT} WHERE i.unit_id IN (SELECT value FROM json_each(@units))
            AND +i.start_ts < @from AND i.end_ts > @from
          UNION ALL
          ${SELECT} WHERE i.unit_id IN (SELECT value FROM json_each(@units))
            AND +i.start_ts < @from AND i.end_ts IS NULL)
        GROUP BY unit_id`)
      .raw();
    this.#agentNames = db.prepare("SELECT id, name FROM agents").raw();
    this.#titles = new CheckTitles(db);
  }

  /** Newest first; one more than `limit` is read to tell whether the list was cut. */
  list(filter: IncidentFilter, now: number): IncidentPage {
    const { where, params } = conditions(filter);
    const limit = filter.limit ?? 100;
    const rows = this.db
      .prepare(`${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY i.start_ts DESC, i.id DESC LIMIT @limit OFFSET @offset`)
      .raw()
      .all({ ...params, limit: limit + 1, offset: filter.offset ?? 0 }) as unknown[][];
    const incidents = rows.slice(0, limit).map((row) => this.#incident(row[9] as string, row, now));
    this.#attribute(incidents, now);
    this.#title(incidents);
    return { truncated: rows.length > limit, incidents };
  }

  /** How many incidents match (limit and offset aside): how many pages a list has. */
  count(filter: IncidentFilter): number {
    const { where, params } = conditions(filter);
    return this.db
      .prepare(
        `SELECT count(*) FROM incidents i ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`,
      )
      .pluck()
      .get(params) as number;
  }

  /**
   * The incidents of each of these units overlapping [from, to), newest first, at most `limit` a
   * unit: what `list` gives for each unit, read in one query.
   */
  listUnits(
    units: readonly string[],
    from: number,
    to: number,
    limit: number,
    now: number,
  ): Map<string, { incidents: Incident[]; truncated: boolean }> {
    const out = new Map<string, { incidents: Incident[]; truncated: boolean }>(
      units.map((unit) => [unit, { incidents: [], truncated: false }]),
    );
    const all: Incident[] = [];
    for (const [unit, json] of this.#byUnits.all({ units: JSON.stringify(units), from, to }) as [
      string,
      string,
    ][]) {
      const rows = (JSON.parse(json) as IncidentRow[]).sort(byNewest);
      const incidents = rows.slice(0, limit).map((row) => this.#incident(unit, row, now));
      out.set(unit, { incidents, truncated: rows.length > limit });
      for (const incident of incidents) all.push(incident);
    }
    this.#attribute(all, now);
    this.#title(all);
    return out;
  }

  /**
   * An incident from its row: id, kind, agent id, series id, start, end, reason, message, planned
   * (as SELECT).
   */
  #incident(unit: string, a: readonly unknown[], now: number): Incident {
    const seriesId = a[3] as number | null;
    const names = seriesId === null ? undefined : this.#check(seriesId);
    if (seriesId !== null) this.#where.set(a[0] as number, { seriesId, agentId: a[2] as number });
    const end = a[5] as number | null;
    return {
      id: a[0] as number,
      kind: a[1] as Incident["kind"],
      unit,
      agent: this.#agent(a[2] as number),
      check: names?.check ?? null,
      title: null,
      category: names?.category ?? null,
      start: a[4] as number,
      end,
      durationMs: Math.max(0, (end ?? now) - (a[4] as number)),
      reason: a[6] as string | null,
      message: a[7] as string | null,
      cause: null,
      planned: a[8] === 1,
      linkIncident: null,
      dependents: [],
    };
  }

  #check(seriesId: number): CheckSeries | undefined {
    let info = this.catalog.get(seriesId);
    if (!info) {
      this.catalog.refresh();
      info = this.catalog.get(seriesId);
    }
    return info && "check" in info ? (info as CheckSeries) : undefined;
  }

  #agent(id: number): string {
    let name = this.#agents.get(id);
    if (name === undefined) {
      for (const [agent, agentName] of this.#agentNames.all() as [number, string][]) {
        this.#agents.set(agent, agentName);
      }
      name = this.#agents.get(id) ?? "";
    }
    return name;
  }

  #title(incidents: Incident[]): void {
    if (incidents.length === 0) return;
    const title = this.#titles.of([...new Set(incidents.map((i) => i.unit))]);
    for (const incident of incidents)
      incident.title = title(incident.unit, incident.agent, incident.check);
  }

  /**
   * Marks each check incident that began while a check it depends on was in an incident (from
   * one hold time before that incident's start, as checks run at different moments), and lists
   * under each incident the failures of checks that depended on it (dependents.ts).
   */
  #attribute(rows: readonly Incident[], now: number): void {
    this.#relations.attribute(rows, this.#where, now);
    this.#where.clear();
  }
}

/** An incident as #byUnits reads it: id, kind, agent id, series id, start, end, ... (as SELECT). */
type IncidentRow = [number, string, number, number | null, number, ...unknown[]];

/** Newest first, as `list` orders them: by start, then by id, both descending. */
const byNewest = (a: IncidentRow, b: IncidentRow) => b[4] - a[4] || b[0] - a[0];

/** The WHERE conditions of a filter, with their parameters. */
function conditions(filter: IncidentFilter): {
  where: string[];
  params: Record<string, string | number>;
} {
  const where: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.unit !== undefined) {
    where.push("i.unit_id = @unit");
    params.unit = filter.unit;
  }
  if (filter.category !== undefined) {
    where.push("i.category = @category");
    params.category = filter.category;
  }
  if (filter.kind !== undefined) {
    where.push("i.kind = @kind");
    params.kind = filter.kind;
  }
  if (filter.state === "open") where.push("i.end_ts IS NULL");
  if (filter.state === "closed") where.push("i.end_ts IS NOT NULL");
  if (filter.to !== undefined) {
    where.push("i.start_ts < @to");
    params.to = filter.to;
  }
  if (filter.from !== undefined) {
    where.push("(i.end_ts IS NULL OR i.end_ts > @from)");
    params.from = filter.from;
  }
  return { where, params };
}

// Names come from the series catalog and the agents (see #incident): one string column less per
// name, which is most of the cost of reading a city's month of incidents.
const SELECT = `
  SELECT i.id, i.kind, i.agent_id, i.series_id, i.start_ts, i.end_ts, i.reason, i.message, i.planned,
    i.unit_id
  FROM incidents i`;
