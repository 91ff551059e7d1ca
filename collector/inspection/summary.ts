// The periodic inspection summary of a unit (a month, quarter or year in Vietnam time): per
// category availability, coverage, incidents and downtime, certificates, equipment changes, and
// findings as codes the pages translate; planned maintenance apart from downtime.

import { type Period, VIETNAM_TIME_ZONE } from "../../shared/api-query.js";
import { CATEGORIES } from "../../shared/categories.js";
import { METRICS } from "../../shared/metrics.js";
import { DAY, type ScopeTimes } from "../tsdb/index.js";
import { UNIT_SCOPE, union } from "./availability.js";
import { type Figures, figures } from "./figures.js";
import {
  type CategoryFacts,
  CERTIFICATE_WARNING_DAYS,
  categoryFindings,
  type Finding,
} from "./findings.js";
import type { Incident } from "./incident-list.js";
import type { InventoryItem } from "./inventory.js";
import type { InventoryDiff } from "./inventory-diff.js";
import { type PlannedWork, plannedWork } from "./planned-work.js";
import type { Readers } from "./readers.js";
import { findUnit, type UnitInfo, unitInfo } from "./unit-status.js";
import { listUnits, type UnitRow } from "./units.js";

export interface Certificate {
  agent: string;
  check: string;
  category: string;
  /** notAfter, ms since the epoch. */
  notAfter: number;
  /** Whole days from the end of the period (or now) to notAfter; negative once expired. */
  daysLeft: number;
  state: "ok" | "expiring" | "expired";
}

/** An incident of the summary, with the part of it that counts as downtime in the period. */
export interface SummaryIncident extends Incident {
  /** The part in the period while its agent was reporting (a silence: all of it in the period). */
  downtimeMs: number;
}

/** An inventory taken in the period: the first of its check, or one that changed. */
export interface InventoryChangeItem {
  agent: string;
  check: string;
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
  return ids.map((id) =>
    summaryOf(ctx, findUnit(units, id), period, now, {
      until,
      times: times?.get(id),
      incidents: incidents.get(id) ?? { incidents: [], truncated: false },
      changes: changes.get(id) ?? [],
    }),
  );
}

export function inspectionSummary(ctx: Readers, id: string, period: Period): InspectionSummary {
  return inspectionSummaries(ctx, [id], period)[0] as InspectionSummary;
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
  },
): InspectionSummary {
  const id = unit.id;
  const { until, times, incidents } = read;
  const counted = Math.max(0, until - period.from);
  const clipped = (i: Incident) =>
    Math.max(0, Math.min(i.end ?? until, until) - Math.max(i.start, period.from));
  // A check incident stays open while its agent is silent, but nothing was seen down then: its
  // downtime is the time in the period minus the time the agent was silent, so the downtime
  // reported agrees with availability, which counts silence as no data.
  const silentOf = new Map<string, Incident[]>();
  for (const i of incidents.incidents) {
    if (i.kind !== "silence") continue;
    silentOf.set(i.agent, [...(silentOf.get(i.agent) ?? []), i]);
  }
  // Nor is time in planned maintenance downtime: availability leaves it out as well.
  const maintenance = ctx.history.maintenance;
  const downtime = (i: Incident) => {
    const from = Math.max(i.start, period.from);
    const to = Math.min(i.end ?? until, until);
    const silent = (silentOf.get(i.agent) ?? []).map((s) => ({
      start: s.start,
      end: s.end ?? until,
    }));
    const planned = maintenance.has(id)
      ? maintenance.planned(
          {
            unit: id,
            agent: i.agent,
            check: i.check ?? undefined,
            category: i.category ?? undefined,
          },
          from,
          to,
        )
      : [];
    const excused = union([...silent, ...planned]);
    let ms = Math.max(0, to - from);
    for (const span of excused)
      ms -= Math.max(0, Math.min(to, span.end) - Math.max(from, span.start));
    return Math.max(0, ms);
  };

  // downtimeMs: the part of the incident in the period while its agent was reporting. The
  // incidents were read for this summary alone, so they take the field in place.
  const listed: SummaryIncident[] = incidents.incidents.map((i) =>
    Object.assign(i, { downtimeMs: i.kind === "check" ? downtime(i) : clipped(i) }),
  );

  const certificates: Certificate[] = [];
  for (const series of ctx.history.catalog.unitMetric(id, METRICS.tlsExpiry.name)) {
    // The certificate as last seen before the end of the period.
    const last = ctx.history.samples.lastBefore(series.id, period.from, until)?.value;
    if (last === undefined) continue;
    const notAfter = last * 1000;
    const daysLeft = Math.floor((notAfter - until) / DAY);
    certificates.push({
      agent: series.agent,
      check: series.labels.check ?? "",
      category: series.labels.category ?? "",
      notAfter,
      daysLeft,
      state:
        notAfter <= until ? "expired" : daysLeft < CERTIFICATE_WARNING_DAYS ? "expiring" : "ok",
    });
  }

  const checks = ctx.history.catalog.unitChecks(id);
  const categoryOfCheck = new Map(checks.map((c) => [`${c.agent}\u0000${c.check}`, c.category]));
  const inventoryChanges: InventoryChangeItem[] = read.changes.map((item) => ({
    agent: item.agent,
    check: item.check,
    kind: item.kind,
    category: categoryOfCheck.get(`${item.agent}\u0000${item.check}`) ?? null,
    ts: item.ts,
    previous: item.previous,
    changes: item.changes,
  }));

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
      linkMs: numbers.linkMs,
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
      ...numbers,
      incidents: { ...facts.incidents, linkCaused: own.filter((i) => i.cause === "link").length },
      findings: categoryFindings(facts),
    };
  });

  const silences = listed.filter((i) => i.kind === "silence");
  const planned = plannedWork(maintenance, id, period.from, until);
  const findings: Finding[] = [];
  if (counted > 0 && planned.plannedMs > counted * MOSTLY_PLANNED) {
    findings.push({
      code: "mostly_planned",
      severity: "warning",
      params: {
        plannedMs: planned.plannedMs,
        share: Math.round((planned.plannedMs / counted) * 10_000) / 10_000,
        count: planned.count,
      },
    });
  }
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
    overall: figures(times?.get(UNIT_SCOPE), counted),
    categories,
    findings,
    incidents: listed,
    incidentsTruncated: incidents.truncated,
    certificates,
    inventoryChanges,
    maintenance: planned,
  };
}

/** Planned work over more than this share of the period is a finding: the figures say little. */
const MOSTLY_PLANNED = 0.5;
