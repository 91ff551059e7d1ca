// What one unit's waiting events say, as a pure function: the items of one notification, and what
// becomes of each event (sent, covered by a link problem already announced, kept back, or left
// waiting). A unit's data-center link and the checks the store attributes to it are one item: the
// link, with the affected checks listed, once when it goes down and once when it is back.
import type { AffectedCheck, EventDetail, Item, QueuedEvent } from "./model.js";

export interface GroupSettings {
  groupWait: number;
  resolveWait: number;
}

/** An earlier event that opened a problem (not waiting any more). */
export interface Beginning {
  event: QueuedEvent;
  status: "sent" | "covered" | "suppressed" | "unrouted";
  rootKey: string | null;
}

export interface GroupInput {
  pending: readonly QueuedEvent[];
  /** The earlier opening event of each problem a waiting event is about. */
  beginnings: ReadonlyMap<string, Beginning>;
  /** Link problems: the problems announced or covered as part of each, by the link's key. */
  members: ReadonlyMap<string, readonly Beginning[]>;
  /** Checks that failed while a link problem's check was down (no incidents of their own). */
  dependents?: ReadonlyMap<string, readonly AffectedCheck[]>;
  /** Problems the store attributes to a link problem of their unit: problem key → link key. */
  linkOf: ReadonlyMap<string, string>;
  /** Keys of link problems (of checks other checks depend on). */
  links: ReadonlySet<string>;
  /** When each problem ended, or null while it is open (absent: unknown, treated as open). */
  ends: ReadonlyMap<string, number | null>;
  agentName(id: number | null | undefined): string | null;
  now: number;
  settings: GroupSettings;
}

export type EventOutcome =
  | { status: "sent"; rootKey: string | null }
  | { status: "covered"; rootKey: string }
  | { status: "suppressed"; reason: string };

export interface GroupResult {
  items: Item[];
  /** Events not in here stay pending. */
  outcomes: Map<number, EventOutcome>;
}

const NOT_ANNOUNCED = "its beginning was not announced";
const announced = (b: Beginning | undefined) => b?.status === "sent" || b?.status === "covered";

/** The unit's waiting events once the oldest has waited groupWait; undefined while they wait. */
export function groupEvents(input: GroupInput): GroupResult | undefined {
  const { pending, now, settings } = input;
  const first = pending[0];
  if (!first || now - Math.min(...pending.map((e) => e.createdAt)) < settings.groupWait) {
    return undefined;
  }
  const byKey = new Map<string, QueuedEvent[]>();
  for (const event of pending) byKey.set(event.key, [...(byKey.get(event.key) ?? []), event]);
  // A problem the store attributes to its unit's link is said with the link's problem, as long as
  // the link's own beginning is announced (or about to be).
  const rootOf = (key: string): string | null => {
    const known = input.beginnings.get(key)?.rootKey;
    const link = known && known !== key ? known : input.linkOf.get(key);
    if (link === undefined || link === key || !input.links.has(link)) return null;
    const linkEvents = byKey.get(link) ?? [];
    const said =
      announced(input.beginnings.get(link)) || linkEvents.some((e) => e.event === "opened");
    return said ? link : null;
  };
  const items: Item[] = [];
  const outcomes = new Map<number, EventOutcome>();
  const done = new Set<string>();

  for (const [key, events] of byKey) {
    if (done.has(key)) continue;
    const root = rootOf(key);
    if (input.links.has(key)) {
      linkFamily(input, key, byKey, rootOf, items, outcomes, done);
    } else if (root !== null && byKey.has(root)) {
      // Said with the link's events, further down this loop.
    } else if (root !== null && isOpen(input, root)) {
      member(input, key, root, events, items, outcomes);
      done.add(key);
    } else {
      alone(input, key, events, items, outcomes);
      done.add(key);
    }
  }
  return { items, outcomes };
}

/**
 * A problem of a link that was announced and is still open: its beginning and reminders are the
 * link's (covered); its end waits for the link's end, up to resolveWait, then is said alone.
 */
function member(
  input: GroupInput,
  key: string,
  root: string,
  events: readonly QueuedEvent[],
  items: Item[],
  outcomes: Map<number, EventOutcome>,
): void {
  const beginning = input.beginnings.get(key);
  const resolved = events.find((e) => e.event === "resolved");
  const opened = events.find((e) => e.event === "opened");
  if (resolved && !opened && !announced(beginning)) {
    for (const e of events) outcomes.set(e.id, { status: "suppressed", reason: NOT_ANNOUNCED });
    return;
  }
  if (!resolved) {
    for (const e of events) outcomes.set(e.id, { status: "covered", rootKey: root });
    return;
  }
  if (input.now - resolved.createdAt < input.settings.resolveWait) return; // waits for the link
  items.push(single(input, key, events, beginning));
  for (const e of events) outcomes.set(e.id, { status: "sent", rootKey: root });
}

function isOpen(input: GroupInput, key: string): boolean {
  return (input.ends.get(key) ?? null) === null;
}

/** A problem said on its own: its beginning, its end, both, or a reminder. */
function alone(
  input: GroupInput,
  key: string,
  events: readonly QueuedEvent[],
  items: Item[],
  outcomes: Map<number, EventOutcome>,
): void {
  const beginning = input.beginnings.get(key);
  const opened = events.find((e) => e.event === "opened");
  const resolved = events.find((e) => e.event === "resolved");
  const repeats = events.filter((e) => e.event === "repeat");
  if (!opened && !announced(beginning)) {
    for (const e of events) outcomes.set(e.id, { status: "suppressed", reason: NOT_ANNOUNCED });
    return;
  }
  if (!resolved && repeats.length > 0 && !isOpen(input, key) && !opened) {
    for (const e of repeats) outcomes.set(e.id, { status: "suppressed", reason: "over" });
    return;
  }
  items.push(single(input, key, events, beginning));
  for (const e of events) outcomes.set(e.id, { status: "sent", rootKey: null });
}

/** The item of one problem from its waiting events and its earlier beginning. */
function single(
  input: GroupInput,
  key: string,
  events: readonly QueuedEvent[],
  beginning: Beginning | undefined,
): Item {
  const opened = events.find((e) => e.event === "opened") ?? beginning?.event;
  const resolved = events.find((e) => e.event === "resolved");
  const base = opened ?? (events[0] as QueuedEvent);
  const state = resolved
    ? "resolved"
    : events.some((e) => e.event === "opened")
      ? "open"
      : "repeat";
  return {
    ...describe(input, base, base.detail),
    key,
    eventKeys: events.map(eventKey),
    state,
    until: resolved ? (resolved.detail.until ?? resolved.at) : null,
    affected: [],
  };
}

/** The dedupe key of one (problem, event): i12.opened, i12.resolved, i12.repeat.40, c.opened.14. */
export function eventKey(event: QueuedEvent): string {
  if (event.event === "repeat") return `${event.key}.repeat.${event.id}`;
  // A certificate is announced once per threshold crossed: each crossing is its own event.
  const threshold = event.event === "opened" ? event.detail.threshold : undefined;
  return threshold === undefined
    ? `${event.key}.${event.event}`
    : `${event.key}.opened.${threshold}`;
}

function describe(input: GroupInput, event: QueuedEvent, detail: EventDetail) {
  return {
    subject: event.subject,
    severity: event.severity,
    unit: event.unit,
    category: detail.category ?? null,
    check: detail.check ?? null,
    agent: input.agentName(detail.agentId),
    reason: detail.reason ?? null,
    message: detail.message ?? null,
    since: detail.since ?? event.at,
    detail: {
      ...(detail.notAfter !== undefined ? { notAfter: detail.notAfter } : {}),
      ...(detail.threshold !== undefined ? { threshold: detail.threshold } : {}),
      ...(detail.dropped !== undefined ? { dropped: detail.dropped } : {}),
      ...(detail.endpoint !== undefined ? { endpoint: detail.endpoint } : {}),
      ...(detail.freeRatio !== undefined ? { freeRatio: detail.freeRatio } : {}),
    },
  };
}

/**
 * A link problem and the problems attributed to it: one item when the link goes down (listing
 * them), none for a check that joins later (covered), one when the link is back: its end waits
 * for the affected checks to recover, up to resolveWait, and lists each as recovered or not.
 */
function linkFamily(
  input: GroupInput,
  link: string,
  byKey: ReadonlyMap<string, QueuedEvent[]>,
  rootOf: (key: string) => string | null,
  items: Item[],
  outcomes: Map<number, EventOutcome>,
  done: Set<string>,
): void {
  const { now, settings } = input;
  const own = byKey.get(link) ?? [];
  const beginning = input.beginnings.get(link);
  const opened = own.find((e) => e.event === "opened");
  const resolved = own.find((e) => e.event === "resolved");
  done.add(link);
  if (!opened && !announced(beginning)) {
    // The link's problem was never announced: its attributed checks are said on their own.
    for (const e of own) outcomes.set(e.id, { status: "suppressed", reason: NOT_ANNOUNCED });
    for (const [key, events] of byKey) {
      if (key !== link && rootOf(key) === link) {
        alone(input, key, events, items, outcomes);
        done.add(key);
      }
    }
    return;
  }
  const pendingMembers = [...byKey.keys()].filter((k) => k !== link && rootOf(k) === link);
  const earlier = (input.members.get(link) ?? []).map((b) => b.event.key);
  const memberKeys = [...new Set([...earlier, ...pendingMembers])];
  if (resolved && !opened) {
    const stillOpen = memberKeys.some((k) => isOpen(input, k) && !hasEnd(byKey.get(k)));
    if (stillOpen && now - resolved.createdAt < settings.resolveWait) {
      for (const k of pendingMembers) done.add(k);
      return; // all of it waits for the affected checks
    }
  }
  const base = opened ?? beginning?.event ?? (own[0] as QueuedEvent);
  const affected: AffectedCheck[] = [];
  const eventKeys = own.map(eventKey);
  for (const key of memberKeys) {
    const events = byKey.get(key) ?? [];
    const memberOpened = events.find((e) => e.event === "opened");
    const memberBeginning =
      memberOpened ??
      input.beginnings.get(key)?.event ??
      input.members.get(link)?.find((b) => b.event.key === key)?.event;
    const end = events.find((e) => e.event === "resolved");
    if (memberBeginning) {
      const d = memberBeginning.detail;
      affected.push({
        key,
        check: d.check ?? "",
        agent: input.agentName(d.agentId) ?? "",
        category: d.category ?? "",
        reason: d.reason ?? null,
        message: d.message ?? null,
        since: d.since ?? memberBeginning.at,
        until: end ? (end.detail.until ?? end.at) : (input.ends.get(key) ?? null),
      });
    }
    // Listed in the link's item: its beginning, its end, or (a reminder) that it is still down.
    for (const e of events) {
      outcomes.set(e.id, { status: "sent", rootKey: link });
      eventKeys.push(eventKey(e));
    }
    done.add(key);
  }
  for (const dependent of input.dependents?.get(link) ?? []) {
    if (!affected.some((a) => a.check === dependent.check && a.agent === dependent.agent)) {
      affected.push(dependent);
    }
  }
  const state = resolved ? "resolved" : opened ? "open" : "repeat";
  items.push({
    ...describe(input, base, base.detail),
    subject: "link",
    key: link,
    eventKeys,
    state,
    until: resolved ? (resolved.detail.until ?? resolved.at) : null,
    affected: affected.sort((a, b) => a.since - b.since || a.check.localeCompare(b.check)),
  });
  for (const e of own) outcomes.set(e.id, { status: "sent", rootKey: null });
}

function hasEnd(events: readonly QueuedEvent[] | undefined): boolean {
  return events?.some((e) => e.event === "resolved") ?? false;
}
