// /api/v1/units, /api/v1/units/{id} and /api/v1/units/{id}/checks: units with the state of each
// category now and availability over a window, and the checks of one unit.
import { CATEGORIES } from "../../../shared/categories.js";
import { HttpError } from "../../../shared/errors.js";
import type { AgentRow, AgentStore } from "../../agents/registry.js";
import {
  type CheckTimes,
  ratio,
  type ScopeTimes,
  UNIT_SCOPE,
} from "../../inspection/availability.js";
import {
  type CategoryNow,
  type CheckNow,
  type CheckStatus,
  categoryStates,
  unitState,
} from "../../inspection/check-status.js";
import type { History } from "../../inspection/history.js";
import type { IncidentList } from "../../inspection/incident-list.js";
import { listUnits, type UnitRow } from "../../inspection/units.js";

export interface ApiContext {
  history: History;
  agents: AgentStore;
  status: CheckStatus;
  incidents: IncidentList;
  now(): number;
}

export interface Figures {
  /** Up ÷ observed; null when nothing was observed. */
  availability: number | null;
  /** (Up + down because of the link) ÷ observed. */
  availabilityExcludingLink: number | null;
  /** Observed (for a scope: covered by at least one check) ÷ the window. */
  coverage: number | null;
  upMs: number;
  downMs: number;
  linkMs: number;
  observedMs: number;
}

export function figures(
  times: Partial<ScopeTimes> | CheckTimes | undefined,
  windowMs: number,
): Figures {
  const up = Math.round(times?.up ?? 0);
  const observed = Math.round(times?.observed ?? 0);
  const link = Math.round(times?.link ?? 0);
  const covered = "covered" in (times ?? {}) ? Math.round((times as ScopeTimes).covered) : observed;
  return {
    availability: ratio(up, observed),
    availabilityExcludingLink: ratio(up + link, observed),
    coverage: ratio(covered, windowMs),
    upMs: up,
    downMs: observed - up,
    linkMs: link,
    observedMs: observed,
  };
}

export function unitInfo(unit: UnitRow) {
  return {
    id: unit.id,
    name: unit.name,
    kind: unit.kind,
    active: unit.active,
    leader: unit.leader ?? null,
    contact: unit.contact ?? null,
  };
}

function agentInfo(agent: AgentRow) {
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
function currentChecks(ctx: ApiContext, unit: string, revoked: ReadonlySet<number>, now: number) {
  const checks = ctx.history.catalog
    .unitChecks(unit)
    .filter((check) => !revoked.has(check.agentId));
  const states = ctx.status.many(checks, now);
  return checks.map((check) => ({ check, now: states.get(check.id) as CheckNow }));
}

function categoriesOf(
  states: Record<string, CategoryNow>,
  times: Map<string, ScopeTimes> | undefined,
  windowMs: number,
) {
  return Object.fromEntries(
    CATEGORIES.map((category) => [
      category,
      { ...(states[category] as CategoryNow), ...figures(times?.get(category), windowMs) },
    ]),
  );
}

export function unitsPayload(ctx: ApiContext, window: { from: number; to: number }, only?: string) {
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
  const open = new Map(
    ctx.history.db
      .prepare("SELECT unit_id, count(*) FROM incidents WHERE end_ts IS NULL GROUP BY unit_id")
      .raw()
      .all() as [string, number][],
  );
  const windowMs = window.to - window.from;
  return {
    from: window.from,
    to: window.to,
    generatedAt: now,
    units: units.map((unit) => {
      const checks = currentChecks(ctx, unit.id, revoked, now);
      const states = categoryStates(
        checks.map((c) => ({ category: c.check.category, state: c.now.state })),
      );
      const own = times.get(unit.id);
      return {
        ...unitInfo(unit),
        state: unitState(states),
        ...figures(own?.get(UNIT_SCOPE), windowMs),
        categories: categoriesOf(states, own, windowMs),
        agents: agents.filter((a) => a.unit === unit.id).map(agentInfo),
        openIncidents: open.get(unit.id) ?? 0,
      };
    }),
  };
}

export function unitPayload(ctx: ApiContext, id: string, window: { from: number; to: number }) {
  const payload = unitsPayload(ctx, window, id);
  // unitsPayload has thrown 404 already when there is no such unit.
  const unit = payload.units[0] as (typeof payload.units)[number];
  const open = ctx.incidents.list({ unit: id, state: "open", limit: 1000 }, payload.generatedAt);
  return {
    from: payload.from,
    to: payload.to,
    generatedAt: payload.generatedAt,
    ...unit,
    incidents: open.incidents,
  };
}

export function checksPayload(ctx: ApiContext, id: string, window: { from: number; to: number }) {
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
