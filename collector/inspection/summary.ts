// The periodic inspection summary of a unit (a month, quarter or year in Vietnam time): per
// category availability, coverage, incidents and downtime, certificates, equipment changes, and
// findings as codes the pages translate; planned maintenance apart from downtime.

import { type Period, VIETNAM_TIME_ZONE } from "../../shared/api-query.js";
import { CATEGORIES } from "../../shared/categories.js";
import { HOUR, holdCap, type ScopeTimes } from "../tsdb/index.js";
import { UNIT_SCOPE } from "./availability.js";
import { bufferLosses } from "./buffer-losses.js";
import { type Certificate, certificatesOf } from "./certificates.js";
import { deviceFindings } from "./device-alerts.js";
import { disrupted, length, observedDown, type ResultSpans } from "./downtime.js";
import { type Figures, figures } from "./figures.js";
import { type CategoryFacts, categoryFindings, type Finding } from "./findings.js";
import type { Incident } from "./incident-list.js";
import type { InventoryItem } from "./inventory.js";
import type { InventoryDiff } from "./inventory-diff.js";
import { incidentPlanned, mostlyPlanned, type PlannedWork, plannedWork } from "./planned-work.js";
import type { AgentRecord, Readers } from "./readers.js";
import { CheckTitles } from "./titles.js";
import { findUnit, type UnitInfo, unitInfo } from "./unit-status.js";
import { listUnits, type UnitRow } from "./units.js";
import { type UnreachableCause, unreachableAttribution } from "./unreachable.js";

/** An incident of the summary, with the part of it that counts as downtime in the period. */
export type { Certificate } from "./certificates.js";

export interface SummaryIncident extends Incident {
  /** The part in the period while its agent was reporting (a silence: all of it in the period). */
  downtimeMs: number;
}

/** An inventory taken in the period: the first of its check, or one that changed. */
export interface InventoryChangeItem {
  agent: string;
  check: string;
  title: string | null;
  kind: string;
  /** The category of the check that took it; null when no check of that name reports results. */
  category: string | null;
  ts: number;
  previous: { ts: number } | null;
  /** Null for the check's first inventory. */
  changes: InventoryDiff | null;
}

export interface CategorySummary extends Figures {
  category: string;
  checks: number;
  /**
   * Time in the period at least one of the category's checks was seen down in an incident: a
   * union over its checks, so two checks down together count once (downMs sums them).
   */
  disruptedMs: number;
  /** The checks this category's checks were unreachable because of (unreachableMs in all). */
  unreachableBecauseOf: UnreachableCause[];
  /** Time checks depending on this category's checks were unreachable because of them (a sum). */
  causedUnreachableMs: number;
  incidents: {
    count: number;
    open: number;
    downtimeMs: number;
    longestMs: number;
    linkCaused: number;
  };
  findings: Finding[];
}

export interface SummaryPeriod {
  id: string;
  kind: Period["kind"];
  from: number;
  to: number;
  timeZone: string;
  complete: boolean;
  /**
   * Figures count the time up to here: the period's end, or while it is not over (or has only
   * just ended) the last 5-minute boundary at least 2 minutes old.
   */
  until: number;
}

/** GET /api/v1/units/{id}/summary, the inspection report pages and their CSV and JSON exports. */
export interface InspectionSummary {
  unit: UnitInfo;
  period: SummaryPeriod;
  generatedAt: number;
  overall: Figures;
  /** Time in the period at least one check of the unit was seen down in an incident (a union). */
  disruptedMs: number;
  categories: CategorySummary[];
  findings: Finding[];
  incidents: SummaryIncident[];
  /** More incidents fell in the period than are listed. */
  incidentsTruncated: boolean;
  certificates: Certificate[];
  inventoryChanges: InventoryChangeItem[];
  /** Planned maintenance in the period: not downtime, left out of availability. */
  maintenance: PlannedWork;
}

/** The summaries of several units for one period, reading what they share once. */
export function inspectionSummaries(
  ctx: Readers,
  ids: readonly string[],
  period: Period,
): InspectionSummary[] {
  const now = ctx.now();
  ctx.history.catalog.refresh();
  const units = listUnits(ctx.history.db);
  // A period still running is counted up to the rollups' target: the last 5-minute boundary the
  // stragglers have had time to reach. Figures then come from the rollups alone (no raw samples to
  // read for the minutes since), and stay the same for five minutes.
  const until = Math.min(period.to, ctx.history.rollups.target(now));
  const times =
    until > period.from
      ? ctx.history.availability.scopeTimes(ids, period.from, until, now)
      : undefined;
  const incidents = ctx.incidents.listUnits(ids, period.from, until, INCIDENTS_LISTED, now);
  const changes = ctx.inventory.changesOfUnits(ids, period.from, until);
  const title = new CheckTitles(ctx.history.db).of(ids);
  const agents = ctx.agents.list();
  return ids.map((id) =>
    summaryOf(ctx, findUnit(units, id), period, now, {
      until,
      times: times?.get(id),
      incidents: incidents.get(id) ?? { incidents: [], truncated: false },
      changes: changes.get(id) ?? [],
      title,
      agents: agents.filter((a) => a.unit === id && a.revokedAt === null),
    }),
  );
}

export function inspectionSummary(ctx: Readers, id: string, period: Period): InspectionSummary {
  return inspectionSummaries(ctx, [id], period)[0] as InspectionSummary;
}

/**
 * Where a unit's checks had results: the rollup buckets that hold any (5-minute ones while they are
 * kept, hourly ones before), each held for as long as a result counts (twice the check's interval),
 * as availability holds it; the buckets read start one hold before `from`.
 */
function resultSpans(ctx: Readers, unit: string, now: number): ResultSpans {
  const checks = new Map(
    ctx.history.catalog.unitChecks(unit).map((c) => [`${c.agent}\u0000${c.check}`, c]),
  );
  const fineFrom = now - ctx.history.options.retention.fiveMinute;
  return (incident, from, to) => {
    const check = checks.get(`${incident.agent}\u0000${incident.check}`);
    if (check === undefined) return undefined;
    const hold = holdCap(check);
    const level = from - hold >= fineFrom ? "5m" : "1h";
    const size = level === "5m" ? 5 * 60_000 : HOUR;
    const rows = ctx.history.rollupReader.means(
      level,
      JSON.stringify([check.id]),
      Math.floor((from - hold) / size),
      Math.ceil(to / size),
    );
    return rows.map(([, bucket]) => ({ start: bucket * size, end: (bucket + 1) * size + hold }));
  };
}

/** Incidents a summary reads for a unit, newest first; more in the period sets incidentsTruncated. */
const INCIDENTS_LISTED = 1000;

function summaryOf(
  ctx: Readers,
  unit: UnitRow,
  period: Period,
  now: number,
  read: {
    until: number;
    times: Map<string, ScopeTimes> | undefined;
    incidents: { incidents: Incident[]; truncated: boolean };
    changes: readonly InventoryItem[];
    title: (unit: string, agent: string, check: string) => string | null;
    /** The unit's agents, not revoked. */
    agents: readonly AgentRecord[];
  },
): InspectionSummary {
  const id = unit.id;
  const { until, times, incidents } = read;
  const counted = Math.max(0, until - period.from);
  const clipped = (i: Incident) =>
    Math.max(0, Math.min(i.end ?? until, until) - Math.max(i.start, period.from));
  // A check incident stays open while its agent is silent, but nothing was seen down then: its
  // downtime is its time in the period while the agent was reporting, so the downtime reported
  // agrees with availability, which counts silence as no data. Nor is time in planned maintenance
  // downtime: availability leaves it out as well.
  const maintenance = ctx.history.maintenance.unitSpan(id, period.from, until);
  const down = observedDown(
    incidents.incidents,
    period.from,
    until,
    resultSpans(ctx, id, now),
    incidentPlanned(maintenance, id),
  );
  const downtime = (i: Incident) => length(down.get(i) ?? []);

  // downtimeMs: the part of the incident in the period while its agent was reporting. The
  // incidents were read for this summary alone, so they take the field in place.
  const listed: SummaryIncident[] = incidents.incidents.map((i) =>
    Object.assign(i, { downtimeMs: i.kind === "check" ? downtime(i) : clipped(i) }),
  );

  const certificates = certificatesOf(ctx.history, id, period.from, until, read.title);

  const checks = ctx.history.catalog.unitChecks(id);
  const categoryOfCheck = new Map(checks.map((c) => [`${c.agent}\u0000${c.check}`, c.category]));
  const inventoryChanges: InventoryChangeItem[] = read.changes.map((item) => ({
    agent: item.agent,
    check: item.check,
    title: read.title(id, item.agent, item.check),
    kind: item.kind,
    category: categoryOfCheck.get(`${item.agent}\u0000${item.check}`) ?? null,
    ts: item.ts,
    previous: item.previous,
    changes: item.changes,
  }));

  // Only a unit that had unreachable time needs its checks' own times read.
  const attribution =
    (times?.get(UNIT_SCOPE)?.link ?? 0) >= 1
      ? unreachableAttribution(ctx, id, period.from, until, now, read.title)
      : undefined;
  const categories = CATEGORIES.map((category): CategorySummary => {
    const own = listed.filter((i) => i.category === category && i.kind === "check");
    const durations = own.map((i) => i.downtimeMs);
    const numbers = figures(times?.get(category), counted);
    const facts: CategoryFacts = {
      category,
      checks: new Set(
        checks.filter((c) => c.category === category).map((c) => `${c.agent}/${c.check}`),
      ).size,
      availability: numbers.availability,
      coverage: numbers.coverage,
      downMs: numbers.downMs,
      disruptedMs: disrupted(down, (i) => i.category === category),
      unreachableMs: numbers.unreachableMs,
      unreachableBecauseOf: attribution?.causes.get(category) ?? [],
      causedUnreachableMs: attribution?.caused.get(category) ?? 0,
      incidents: {
        count: own.length,
        open: own.filter((i) => i.end === null).length,
        downtimeMs: durations.reduce((a, b) => a + b, 0),
        longestMs: Math.max(0, ...durations),
      },
      certificates: certificates.filter((c) => c.category === category),
      // A first inventory is listed, but only a difference from the one before is a change.
      inventoryChanges: inventoryChanges.filter(
        (c) => c.category === category && c.changes !== null,
      ).length,
    };
    return {
      category,
      checks: facts.checks,
      disruptedMs: facts.disruptedMs,
      ...numbers,
      unreachableBecauseOf: attribution?.causes.get(category) ?? [],
      causedUnreachableMs: facts.causedUnreachableMs,
      incidents: { ...facts.incidents, linkCaused: own.filter((i) => i.cause === "link").length },
      findings: categoryFindings(facts),
    };
  });

  const silences = listed.filter((i) => i.kind === "silence");
  const planned = plannedWork(maintenance.occurrences, period.from, until);
  const findings: Finding[] = [];
  const overall = figures(times?.get(UNIT_SCOPE), counted);
  // Nothing seen in the period and no agent that ever connected: the unit is not watched at all,
  // which the directive's duty makes the first finding, not six quiet "no data".
  if (overall.observedMs === 0 && !read.agents.some((a) => a.lastSeen !== null)) {
    findings.push({
      code: "no_agent",
      severity: "problem",
      params: { enrolled: read.agents.length },
    });
  }
  const mostly = mostlyPlanned(planned, counted);
  if (mostly) findings.push(mostly);
  if (silences.length > 0) {
    findings.push({
      code: "agent_silent",
      severity: "warning",
      params: {
        count: silences.length,
        silentMs: silences.reduce((sum, i) => sum + i.downtimeMs, 0),
      },
    });
  }

  const lost = bufferLosses(ctx.history, id, period.from, until, now);
  if (lost.length > 0) {
    findings.push({
      code: "agent_data_lost",
      severity: "warning",
      params: {
        agents: lost.map((l) => l.agent).join(", "),
        samples: lost.reduce((sum, l) => sum + l.samples, 0),
        corruptFiles: lost.reduce((sum, l) => sum + l.corruptFiles, 0),
      },
    });
  }

  findings.push(...deviceFindings(ctx.history, id, period.from, until, now));

  return {
    unit: unitInfo(unit),
    period: {
      id: period.id,
      kind: period.kind,
      from: period.from,
      to: period.to,
      timeZone: VIETNAM_TIME_ZONE,
      complete: period.to <= until,
      until,
    },
    generatedAt: now,
    overall,
    disruptedMs: disrupted(down, () => true),
    categories,
    findings,
    incidents: listed,
    incidentsTruncated: incidents.truncated,
    certificates,
    inventoryChanges,
    maintenance: planned,
  };
}
