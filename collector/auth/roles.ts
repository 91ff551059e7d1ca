// Who may do what: the four roles and the one policy function every route and page asks.

export const ROLES = ["city", "unit", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * - read: see a unit's status, pages, reports and API data
 * - signoff: sign a unit's inspection summary: its leader in charge only (a `unit` user marked
 *   leader), with their own account, as the directive asks of the leader; nobody signs for them
 * - agents: enroll, revoke and rotate agents
 * - enroll: make and revoke a unit's enrollment codes, with which its agents enroll themselves
 * - users: add and remove people
 * - audit: read the audit log
 * - maintenance: declare and end planned maintenance windows
 * - configure: read and change a unit's central checks (run by its agents, sent by the collector)
 * - discover: start a discovery run of a unit's networks
 */
export const ACTIONS = [
  "read",
  "signoff",
  "agents",
  "enroll",
  "users",
  "audit",
  "maintenance",
  "configure",
  "discover",
] as const;
export type Action = (typeof ACTIONS)[number];

export interface User {
  id: number;
  name: string;
  role: Role;
  /** The one unit of a `unit` user; null for the other roles. */
  unit: string | null;
  /** A `unit` user who is the unit's leader in charge of IT: the one who signs its inspection. */
  leader?: boolean;
}

/** What each role may do; `unit` users only within their own unit. */
const GRANTS: Record<Role, readonly Action[]> = {
  city: ["read"],
  unit: ["read", "signoff", "enroll", "maintenance", "configure", "discover"],
  operator: ["read", "agents", "enroll", "maintenance", "configure", "discover"],
  admin: ["read", "agents", "enroll", "users", "audit", "maintenance", "configure", "discover"],
};

/**
 * True when `user` may do `action`, on `unit` when one is given. Without a unit the question is
 * "on anything at all" (a list page), and the page then shows only `visibleUnits`.
 */
export function can(user: User, action: Action, unit?: string): boolean {
  if (!GRANTS[user.role].includes(action)) return false;
  if (action === "signoff" && user.leader !== true) return false;
  if (user.role !== "unit") return true;
  return unit === undefined || unit === user.unit;
}

/** Filters units (or anything with a unit id) down to those the user may read. */
export function visibleUnits<T>(user: User, items: readonly T[], unitOf: (item: T) => string): T[] {
  return items.filter((item) => can(user, "read", unitOf(item)));
}

/** The user when `web.auth: false`: only possible on loopback, where whoever is here is trusted. */
export const LOCAL_USER: User = { id: 0, name: "local", role: "admin", unit: null };
