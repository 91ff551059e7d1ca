// Units now and over a window: each unit with the state of each category now and its
// availability over the window, one unit with its open incidents, and the checks of one unit.

import type { TimeWindow } from "../../shared/api-query.js";
import { CATEGORIES } from "../../shared/categories.js";
import type { UnitConfig } from "../../shared/config/collector.js";
import { HttpError } from "../../shared/errors.js";
import type { CheckSeries, ScopeTimes } from "../tsdb/index.js";
import { UNIT_SCOPE } from "./availability.js";
import {
  type CategoryNow,
  type CategoryState,
  type CheckNow,
  categoryStates,
  unitState,
} from "./check-status.js";
import { type UnitCondition, unitCondition } from "./condition.js";
import { type Figures, figures } from "./figures.js";
import type { Incident } from "./incident-list.js";
import type { AgentRecord, Readers } from "./readers.js";
import { CheckTitles } from "./titles.js";
import { listUnits, type UnitRow } from "./units.js";

export type Person = NonNullable<UnitConfig["leader"]>;

export interface UnitInfo {
  id: string;
  name: string;
  kind: string;
  active: boolean;
  leader: Person | null;
  contact: Person | null;
}

export interface AgentInfo {
  name: string;
  hostname: string | null;
  os: string | null;
  version: string | null;
  lastSeen: number | null;
  revoked: boolean;
}

/** A category of a unit: its state now and its figures over the window. */
export type CategoryStatus = CategoryNow & Figures;

export interface UnitStatus extends UnitInfo, Figures {
  state: CategoryState;
  /** The worst a leader must know of the unit now, and why (condition.ts). */
  condition: UnitCondition;
  categories: Record<string, CategoryStatus>;
  agents: AgentInfo[];
  openIncidents: number;
}

/** GET /api/v1/units and the city overview. */
export interface UnitsStatus extends TimeWindow {
  generatedAt: number;
  units: UnitStatus[];
}

/** GET /api/v1/units/{id}: one unit, with its open incidents. */
export interface UnitDetail extends TimeWindow, UnitStatus {
  generatedAt: number;
  incidents: Incident[];
}

export interface CheckRow extends CheckNow, Figures {
  agent: string;
  check: string;
  /** The display title from agent.yaml, null without one. */
  title: string | null;
  category: string;
  kind: string;
  intervalMs: number | null;
  openIncident: number | null;
}

/** GET /api/v1/units/{id}/checks: the unit's checks, of revoked agents too (with no state now). */
export interface UnitChecks extends TimeWindow {
  unit: string;
  generatedAt: number;
  checks: CheckRow[];
}

export function unitInfo(unit: UnitRow): UnitInfo {
  return {
    id: unit.id,
    name: unit.name,
    kind: unit.kind,
    active: unit.active,
    leader: unit.leader ?? null,
    contact: unit.contact ?? null,
  };
}

function agentInfo(agent: AgentRecord): AgentInfo {
  return {
    name: agent.name,
    hostname: agent.hostname,
    os: agent.os,
    version: agent.agentVersion,
    lastSeen: agent.lastSeen,
    revoked: agent.revokedAt !== null,
  };
}

export function findUnit(units: readonly UnitRow[], id: string): UnitRow {
  const unit = units.find((u) => u.id === id);
  if (!unit) throw new HttpError(404, `unit: no unit "${id}"`);
  return unit;
}

/** Each check of the unit (of agents not revoked) with its state now. */
function currentChecks(ctx: Readers, unit: string, revoked: ReadonlySet<number>, now: number) {
  const checks = ctx.history.catalog
    .unitChecks(unit)
    .filter((check) => !revoked.has(check.agentId));
  const states = ctx.status.many(checks, now);
  return checks.map((check) => ({ check, now: states.get(check.id) as CheckNow }));
}

/** Whether a check it depends on is down now too, for each of these checks. */
function parentsDown(ctx: Readers, checks: readonly { check: CheckSeries; now: CheckNow }[]) {
  const stateOf = new Map(checks.map((c) => [`${c.check.agentId}\u0000${c.check.check}`, c.now]));
  const { dependencies } = ctx.history;
  return (check: CheckSeries) =>
    dependencies
      .parents(check.agentId, check.unit, check.check)
      .some((p) => stateOf.get(`${check.agentId}\u0000${p}`)?.state === "down");
}

function categoriesOf(
  states: Record<string, CategoryNow>,
  times: Map<string, ScopeTimes> | undefined,
  windowMs: number,
): Record<string, CategoryStatus> {
  return Object.fromEntries(
    CATEGORIES.map((category) => [
      category,
      { ...(states[category] as CategoryNow), ...figures(times?.get(category), windowMs) },
    ]),
  );
}

/** Every unit (or only `only`) now and over the window. */
export function unitsStatus(ctx: Readers, window: TimeWindow, only?: string): UnitsStatus {
  const now = ctx.now();
  ctx.history.catalog.refresh();
  const units = listUnits(ctx.history.db).filter((u) => only === undefined || u.id === only);
  if (only !== undefined) findUnit(units, only);
  const agents = ctx.agents.list();
  const revoked = new Set(agents.filter((a) => a.revokedAt !== null).map((a) => a.id));
  const times = ctx.history.availability.scopeTimes(
    units.map((u) => u.id),
    window.from,
    window.to,
    now,
  );
  const db = ctx.history.db;
  const open = new Map(
    db
      .prepare("SELECT unit_id, count(*) FROM incidents WHERE end_ts IS NULL GROUP BY unit_id")
      .raw()
      .all() as [string, number][],
  );
  const silentSince = new Map(
    db
      .prepare(
        "SELECT agent_id, min(start_ts) FROM incidents WHERE end_ts IS NULL AND kind = 'silence' GROUP BY agent_id",
      )
      .raw()
      .all() as [number, number][],
  );
  const title = new CheckTitles(db).of(units.map((u) => u.id));
  const windowMs = window.to - window.from;
  return {
    from: window.from,
    to: window.to,
    generatedAt: now,
    units: units.map((unit) => {
      const checks = currentChecks(ctx, unit.id, revoked, now);
      const parentDown = parentsDown(ctx, checks);
      const states = categoryStates(
        checks.map(({ check, now: state }) => ({
          category: check.category,
          state: state.state,
          failing: {
            agent: check.agent,
            check: check.check,
            title: title(unit.id, check.agent, check.check),
            reason: state.reason,
            message: state.message,
          },
          parentDown: parentDown(check),
        })),
      );
      const own = times.get(unit.id);
      const live = agents.filter((a) => a.unit === unit.id && a.revokedAt === null);
      return {
        ...unitInfo(unit),
        state: unitState(states),
        condition: unitCondition({
          categories: states,
          agents: live.map((a) => ({
            lastSeen: a.lastSeen,
            silentSince: silentSince.get(a.id) ?? null,
          })),
        }),
        ...figures(own?.get(UNIT_SCOPE), windowMs),
        categories: categoriesOf(states, own, windowMs),
        agents: agents.filter((a) => a.unit === unit.id).map(agentInfo),
        openIncidents: open.get(unit.id) ?? 0,
      };
    }),
  };
}

export function unitDetail(ctx: Readers, id: string, window: TimeWindow): UnitDetail {
  const payload = unitsStatus(ctx, window, id);
  // unitsStatus has thrown 404 already when there is no such unit.
  const unit = payload.units[0] as UnitStatus;
  const open = ctx.incidents.list({ unit: id, state: "open", limit: 1000 }, payload.generatedAt);
  return {
    from: payload.from,
    to: payload.to,
    generatedAt: payload.generatedAt,
    ...unit,
    incidents: open.incidents,
  };
}

export function unitChecks(ctx: Readers, id: string, window: TimeWindow): UnitChecks {
  const now = ctx.now();
  ctx.history.catalog.refresh();
  findUnit(listUnits(ctx.history.db), id);
  const agents = ctx.agents.list();
  const revoked = new Set(agents.filter((a) => a.revokedAt !== null).map((a) => a.id));
  const times = ctx.history.availability.checkTimes(id, window.from, window.to, now);
  const openByCheck = new Map(
    ctx.history.db
      .prepare(
        "SELECT series_id, id FROM incidents WHERE unit_id = ? AND end_ts IS NULL AND series_id IS NOT NULL",
      )
      .raw()
      .all(id) as [number, number][],
  );
  const windowMs = window.to - window.from;
  const all = ctx.history.catalog.unitChecks(id);
  const title = new CheckTitles(ctx.history.db).of([id]);
  const states = ctx.status.many(
    all.filter((c) => !revoked.has(c.agentId)),
    now,
  );
  const checks = all.map((check) => {
    const state = states.get(check.id) ?? {
      state: "no_data" as const,
      lastResult: null,
      reason: null,
      message: null,
    };
    return {
      agent: check.agent,
      check: check.check,
      title: title(id, check.agent, check.check),
      category: check.category,
      kind: check.kind,
      intervalMs: check.interval ?? null,
      ...state,
      openIncident: openByCheck.get(check.id) ?? null,
      ...figures(times.get(check.id), windowMs),
    };
  });
  checks.sort(
    (a, b) =>
      CATEGORIES.indexOf(a.category as never) - CATEGORIES.indexOf(b.category as never) ||
      a.check.localeCompare(b.check) ||
      a.agent.localeCompare(b.agent),
  );
  return { unit: id, from: window.from, to: window.to, generatedAt: now, checks };
}
