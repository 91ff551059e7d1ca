// Reading incidents back, with filters, and marking those the unit's data-center link caused: a
// check incident of another category that began while a datacenter check of the same unit was in
// an incident (from one hold time before that incident's start, as checks run at different moments).
import { LINK_CATEGORY } from "./availability.js";
import { holdCap, type SeriesCatalog } from "./catalog.js";
import type { Db } from "./database.js";

export interface IncidentFilter {
  unit?: string | undefined;
  category?: string | undefined;
  state?: "open" | "closed" | undefined;
  kind?: "check" | "silence" | undefined;
  /** Incidents overlapping [from, to). */
  from?: number | undefined;
  to?: number | undefined;
  limit?: number | undefined;
}

export interface Incident {
  id: number;
  kind: "check" | "silence";
  unit: string;
  agent: string;
  check: string | null;
  category: string | null;
  start: number;
  end: number | null;
  /** Until `end`, or until now while open. */
  durationMs: number;
  reason: string | null;
  message: string | null;
  cause: "link" | null;
  /** The datacenter incident it is attributed to. */
  linkIncident: number | null;
}

interface Row {
  id: number;
  kind: "check" | "silence";
  unit: string;
  agent: string;
  seriesId: number | null;
  check: string | null;
  category: string | null;
  start: number;
  end: number | null;
  reason: string | null;
  message: string | null;
}

export class IncidentList {
  readonly #byUnits;

  constructor(
    private readonly db: Db,
    private readonly catalog: SeriesCatalog,
  ) {
    this.#byUnits = db.prepare(`${SELECT}
      WHERE i.unit_id IN (SELECT value FROM json_each(?)) AND i.start_ts < ?
        AND (i.end_ts IS NULL OR i.end_ts > ?)
      ORDER BY i.unit_id, i.start_ts DESC, i.id DESC`);
  }

  /** Newest first; one more than `limit` is read to tell whether the list was cut. */
  list(filter: IncidentFilter, now: number): { incidents: Incident[]; truncated: boolean } {
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
    const limit = filter.limit ?? 100;
    const rows = this.db
      .prepare(`${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY i.start_ts DESC, i.id DESC LIMIT @limit`)
      .all({ ...params, limit: limit + 1 }) as Row[];
    const kept = rows.slice(0, limit);
    return { truncated: rows.length > limit, incidents: this.#incidents(kept, now) };
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
    const rows = this.#byUnits.all(JSON.stringify(units), to, from) as Row[];
    const perUnit = new Map<string, Row[]>(units.map((unit) => [unit, []]));
    for (const row of rows) perUnit.get(row.unit)?.push(row);
    const kept = [...perUnit.values()].flatMap((list) => list.slice(0, limit));
    const incidents = this.#incidents(kept, now);
    const out = new Map<string, { incidents: Incident[]; truncated: boolean }>();
    let at = 0;
    for (const [unit, list] of perUnit) {
      const count = Math.min(limit, list.length);
      out.set(unit, { incidents: incidents.slice(at, at + count), truncated: list.length > limit });
      at += count;
    }
    return out;
  }

  #incidents(rows: readonly Row[], now: number): Incident[] {
    const links = this.#linkIncidents(rows);
    return rows.map((row) => {
      const link = links.get(row.id) ?? null;
      return {
        id: row.id,
        kind: row.kind,
        unit: row.unit,
        agent: row.agent,
        check: row.check,
        category: row.category,
        start: row.start,
        end: row.end,
        durationMs: Math.max(0, (row.end ?? now) - row.start),
        reason: row.reason,
        message: row.message,
        cause: link === null ? null : "link",
        linkIncident: link,
      };
    });
  }

  /** For each check incident outside the datacenter category, the link incident that explains it. */
  #linkIncidents(rows: readonly Row[]): Map<number, number> {
    const out = new Map<number, number>();
    const candidates = rows.filter((r) => r.kind === "check" && r.category !== LINK_CATEGORY);
    const units = new Set(candidates.map((r) => r.unit));
    const query = this.db.prepare(`
      SELECT id, series_id AS seriesId, start_ts AS start, end_ts AS "end" FROM incidents
      WHERE unit_id = ? AND kind = 'check' AND category = ? AND start_ts <= ?
        AND (end_ts IS NULL OR end_ts > ?) ORDER BY start_ts`);
    for (const unit of units) {
      const own = candidates.filter((r) => r.unit === unit);
      const earliest = Math.min(...own.map((r) => r.start));
      const latest = Math.max(...own.map((r) => r.start));
      // A link incident can explain one that began up to a hold time (hours at most) before it.
      const links = query.all(unit, LINK_CATEGORY, latest + 86_400_000, earliest) as {
        id: number;
        seriesId: number;
        start: number;
        end: number | null;
      }[];
      const spans = links.map((l) => {
        const check = this.catalog.get(l.seriesId) as { interval?: number } | undefined;
        return { id: l.id, from: l.start - holdCap({ interval: check?.interval }), end: l.end };
      });
      for (const row of own) {
        const link = spans.find(
          (l) => l.from <= row.start && (l.end === null || row.start < l.end),
        );
        if (link) out.set(row.id, link.id);
      }
    }
    return out;
  }
}

const SELECT = `
  SELECT i.id, i.kind, i.unit_id AS unit, a.name AS agent, i.series_id AS seriesId,
    i.check_name AS "check", i.category, i.start_ts AS start, i.end_ts AS "end", i.reason, i.message
  FROM incidents i JOIN agents a ON a.id = i.agent_id`;
