// Who is told what, as a pure function: each route takes the items its filters match (units,
// categories, event kinds) and sends them through its channels to the addresses its people have
// there. What no route reaches anyone with goes to the default routes; what those cannot reach
// either is unrouted (logged and shown). One message per channel, address, language and hold.

import { VIETNAM_OFFSET_MS } from "../../shared/api-query.js";
import type { ChannelConfig } from "../../shared/config/notification-channels.js";
import type { NotifiedPerson, RouteConfig } from "../../shared/config/notifications.js";
import { addressesOn } from "./channels/index.js";
import { eventKindOf, type Item } from "./model.js";

/** The people of a unit a route can name. */
export interface UnitPeople {
  contact?: NotifiedPerson | undefined;
  leader?: NotifiedPerson | undefined;
}

export interface RouteContext {
  routes: readonly RouteConfig[];
  channels: ReadonlyMap<string, ChannelConfig>;
  operators: readonly NotifiedPerson[];
  /** The unit's people; undefined for the collector's own problems. */
  unit: UnitPeople | undefined;
  now: number;
}

/** One message to be queued: a channel, an address, in a language, sent from `notBefore` on. */
export interface PlannedMessage {
  channel: string;
  address: string;
  lang: "vi" | "en";
  notBefore: number;
  critical: boolean;
  items: Item[];
}

export interface RoutePlan {
  messages: PlannedMessage[];
  /** Items no route could send to anyone. */
  unrouted: Item[];
}

function matches(route: RouteConfig, item: Item): boolean {
  if (route.units && (item.unit === null || !route.units.includes(item.unit))) return false;
  if (!route.events.includes(eventKindOf(item.subject === "link" ? "check" : item.subject))) {
    return false;
  }
  if (route.categories) {
    const categories = [item.category, ...item.affected.map((a) => a.category)];
    if (!categories.some((c) => c !== null && (route.categories as string[]).includes(c))) {
      return false;
    }
  }
  return true;
}

function people(route: RouteConfig, ctx: RouteContext, item: Item): NotifiedPerson[] {
  return route.to.flatMap((to): NotifiedPerson[] => {
    if (typeof to !== "string") return [to];
    if (to === "operators") return [...ctx.operators];
    // A unit's people are told about their unit only, never about the collector itself.
    const unit = item.unit === null ? undefined : ctx.unit;
    const person = to === "unit-contacts" ? unit?.contact : unit?.leader;
    return person ? [person] : [];
  });
}

/** The minutes since midnight of "HH:MM". */
const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The end of the route's quiet hours when `now` falls in them (Vietnam time), else 0. */
export function quietUntil(route: RouteConfig, now: number): number {
  if (!route.quietHours) return 0;
  const from = minutes(route.quietHours.from);
  const to = minutes(route.quietHours.to);
  const local = now + VIETNAM_OFFSET_MS;
  const dayStart = local - (local % 86_400_000);
  const at = Math.floor((local - dayStart) / 60_000);
  const inside = from <= to ? at >= from && at < to : at >= from || at < to;
  if (!inside) return 0;
  const endDay = from <= to || at < to ? dayStart : dayStart + 86_400_000;
  return endDay + to * 60_000 - VIETNAM_OFFSET_MS;
}

export function routeItems(items: readonly Item[], ctx: RouteContext): RoutePlan {
  const planned = new Map<string, PlannedMessage>();
  const add = (route: RouteConfig, item: Item): boolean => {
    let reached = false;
    for (const name of route.channels) {
      const channel = ctx.channels.get(name);
      if (!channel) continue;
      // Quiet hours hold what is not critical; a critical item goes at once, in its own message.
      const critical = item.severity === "critical";
      const notBefore = critical ? 0 : quietUntil(route, ctx.now);
      for (const address of new Set(addressesOn(channel, people(route, ctx, item)))) {
        reached = true;
        const key = `${name}\u0000${address}\u0000${route.lang}\u0000${notBefore}`;
        let message = planned.get(key);
        if (!message) {
          message = { channel: name, address, lang: route.lang, notBefore, critical, items: [] };
          planned.set(key, message);
        }
        if (!message.items.includes(item)) message.items.push(item);
      }
    }
    return reached;
  };
  const unrouted: Item[] = [];
  for (const item of items) {
    let reached = false;
    for (const route of ctx.routes) {
      if (!route.default && matches(route, item) && add(route, item)) reached = true;
    }
    if (reached) continue;
    for (const route of ctx.routes) {
      if (route.default && matches(route, item) && add(route, item)) reached = true;
    }
    if (!reached) unrouted.push(item);
  }
  return { messages: [...planned.values()], unrouted };
}
