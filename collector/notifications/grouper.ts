// Turns waiting events into notifications: for each unit whose oldest waiting event has waited
// groupWait, reads what grouping needs (earlier beginnings; which problems are of a check others
// depend on, the "links", with the checks that failed because of them; which problems are still
// open), groups (grouping.ts), routes (routing.ts), renders each message once and queues it, all
// in one transaction with the events' new status.
import { createHash, randomBytes } from "node:crypto";
import type { ChannelConfig } from "../../shared/config/notification-channels.js";
import type { NotificationsConfig } from "../../shared/config/notifications.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import type { Dependencies } from "../inspection/dependencies.js";
import type { IncidentList } from "../inspection/incident-list.js";
import { CheckTitles } from "../inspection/titles.js";
import type { UnitDirectory } from "./directory.js";
import { readEvent } from "./events.js";
import { type Beginning, eventKey, type GroupInput, groupEvents } from "./grouping.js";
import type { MessageStore } from "./messages.js";
import type {
  AffectedCheck,
  Item,
  NotificationKind,
  OutgoingMessage,
  QueuedEvent,
} from "./model.js";
import { routeItems, type UnitPeople } from "./routing.js";
import { renderNotification } from "./templates/render.js";

export interface GrouperDeps {
  db: Db;
  store: MessageStore;
  incidents: IncidentList;
  dependencies: Dependencies;
  units: UnitDirectory;
  settings: NotificationsConfig;
  channels: ReadonlyMap<string, ChannelConfig>;
  publicUrl: string | undefined;
  log: Logger;
}

/** What a notification is, from its items. */
function kindOf(items: readonly Item[]): NotificationKind {
  if (items.every((i) => i.state === "resolved")) return "resolved";
  if (items.every((i) => i.state === "repeat")) return "repeat";
  return "problem";
}

export class Grouper {
  readonly #units;
  readonly #pending;
  readonly #beginning;
  readonly #members;
  readonly #incidentEnd;
  readonly #condition;
  readonly #update;
  readonly #instance: string;
  #unroutedLoggedAt = Number.NEGATIVE_INFINITY;
  readonly #titles: CheckTitles;

  constructor(private readonly deps: GrouperDeps) {
    const { db } = deps;
    this.#titles = new CheckTitles(db);
    // Units whose oldest waiting event has waited long enough: the rest cost nothing this round.
    this.#units = db
      .prepare(`
        SELECT unit_id FROM notification_events WHERE status = 'pending'
        GROUP BY unit_id HAVING min(created_at) <= ?`)
      .pluck();
    this.#pending = db.prepare(
      "SELECT * FROM notification_events WHERE status = 'pending' AND unit_id IS ? ORDER BY id",
    );
    this.#beginning = db.prepare(`
      SELECT * FROM notification_events
      WHERE key = ? AND event = 'opened' AND status != 'pending' ORDER BY id DESC LIMIT 1`);
    this.#members = db.prepare(`
      SELECT * FROM notification_events
      WHERE root_key = ? AND event = 'opened' AND status IN ('sent', 'covered') ORDER BY id`);
    this.#incidentEnd = db.prepare("SELECT end_ts FROM incidents WHERE id = ?").pluck();
    this.#condition = db.prepare("SELECT 1 FROM notification_conditions WHERE key = ?").pluck();
    this.#update = db.prepare(
      "UPDATE notification_events SET status = ?, reason = ?, root_key = ?, notification_id = ? WHERE id = ?",
    );
    this.#instance = instanceSalt(db);
  }

  /** Groups what has waited long enough; the channels that got messages, for waking. */
  step(now: number): Set<string> {
    const woken = new Set<string>();
    const due = now - this.deps.settings.groupWait;
    for (const unit of this.#units.all(due) as (string | null)[]) {
      const pending = (this.#pending.all(unit) as Record<string, unknown>[]).map(readEvent);
      const input = this.#input(unit, pending, now);
      const result = groupEvents(input);
      if (!result) continue;
      this.deps.db.transaction(() => {
        const notification =
          result.items.length > 0 ? this.#queue(unit, result.items, now, woken) : undefined;
        const unrouted = new Set(notification?.unrouted.flatMap((i) => i.eventKeys) ?? []);
        for (const event of pending) {
          const outcome = result.outcomes.get(event.id);
          if (!outcome) continue;
          if (outcome.status === "sent" && unrouted.has(eventKey(event))) {
            this.#update.run("unrouted", "no route reaches anyone", null, null, event.id);
          } else if (outcome.status === "suppressed") {
            this.#update.run("suppressed", outcome.reason, null, null, event.id);
          } else {
            this.#update.run(
              outcome.status,
              null,
              outcome.rootKey,
              notification?.id ?? null,
              event.id,
            );
          }
        }
      })();
    }
    return woken;
  }

  #input(unit: string | null, pending: QueuedEvent[], now: number): GroupInput {
    const beginnings = new Map<string, Beginning>();
    const links = new Set<string>();
    const linkOf = new Map<string, string>();
    const members = new Map<string, Beginning[]>();
    const ends = new Map<string, number | null>();
    const dependents = new Map<string, AffectedCheck[]>();
    // A problem of a check others depend on is a link problem: said with what it took down.
    const isLink = (event: QueuedEvent) =>
      unit !== null &&
      event.subject === "check" &&
      event.incidentId !== null &&
      typeof event.detail.agentId === "number" &&
      this.deps.dependencies.isParent(event.detail.agentId, unit, event.detail.check ?? "");
    for (const event of pending) {
      if (isLink(event)) links.add(event.key);
      if (!beginnings.has(event.key)) {
        const row = this.#beginning.get(event.key) as Record<string, unknown> | undefined;
        if (row) beginnings.set(event.key, beginningOf(row));
      }
    }
    for (const [key, b] of beginnings) {
      if (isLink(b.event)) links.add(key);
      if (b.rootKey && b.rootKey !== key) links.add(b.rootKey);
    }
    // The store's attribution of check incidents to a parent's incident, and the failures that
    // depended on each link problem (incident-list.ts).
    const checks = [...pending, ...[...beginnings.values()].map((b) => b.event)].filter(
      (e) => e.subject === "check" && e.incidentId !== null,
    );
    if (unit !== null && checks.length > 0) {
      const starts = checks.map((e) => e.detail.since ?? e.at);
      const listed = this.deps.incidents.list(
        {
          unit,
          kind: "check",
          from: Math.min(...starts) - 1,
          to: Math.max(...starts) + 1,
          limit: 1000,
        },
        now,
      );
      for (const incident of listed.incidents) {
        const key = `i${incident.id}`;
        if (links.has(key) && incident.dependents.length > 0) {
          dependents.set(
            key,
            incident.dependents.map((d) => ({
              key: `d:${d.agent}/${d.check}@${d.start}`,
              check: d.check,
              agent: d.agent,
              category: d.category,
              reason: d.reason,
              message: null,
              since: d.start,
              until: d.end,
            })),
          );
        }
        if (incident.linkIncident !== null) {
          linkOf.set(`i${incident.id}`, `i${incident.linkIncident}`);
          links.add(`i${incident.linkIncident}`);
        }
      }
    }
    for (const link of links) {
      if (!beginnings.has(link)) {
        const row = this.#beginning.get(link) as Record<string, unknown> | undefined;
        if (row) beginnings.set(link, beginningOf(row));
      }
      members.set(
        link,
        (this.#members.all(link) as Record<string, unknown>[]).map((row) => beginningOf(row)),
      );
    }
    const keys = new Set([
      ...pending.map((e) => e.key),
      ...links,
      ...[...members.values()].flat().map((b) => b.event.key),
    ]);
    for (const key of keys) ends.set(key, this.#end(key, now));
    return {
      pending,
      beginnings,
      members,
      dependents,
      linkOf,
      links,
      ends,
      agentName: (id) => this.deps.units.agentName(id),
      now,
      settings: this.deps.settings,
    };
  }

  /** When the problem ended, or null while it is open. */
  #end(key: string, now: number): number | null {
    const incident = /^i(\d+)$/.exec(key);
    if (incident) return (this.#incidentEnd.get(Number(incident[1])) as number | null) ?? null;
    const condition = key.slice(0, key.lastIndexOf("@"));
    return this.#condition.get(condition) === undefined ? now : null;
  }

  /** Routes and renders the items, and queues one message per channel and address. */
  #queue(unit: string | null, grouped: Item[], now: number, woken: Set<string>) {
    const { settings, store } = this.deps;
    const items = unit === null ? grouped : withCheckTitles(grouped, this.#titles.of([unit]));
    const info = unit === null ? undefined : this.deps.units.unit(unit);
    const people: UnitPeople | undefined = info
      ? { contact: info.contact, leader: info.leader }
      : undefined;
    const plan = routeItems(items, {
      routes: settings.routes,
      channels: this.deps.channels,
      operators: settings.operators,
      unit: people,
      now,
    });
    if (plan.unrouted.length > 0 && now - this.#unroutedLoggedAt > 60_000) {
      this.#unroutedLoggedAt = now;
      this.deps.log.warn(
        { unit, problems: plan.unrouted.map((i) => i.key) },
        "no notification route reaches anyone for these problems: give the unit a contact with an address, or add a default route",
      );
    }
    if (plan.messages.length === 0) return { id: undefined, unrouted: plan.unrouted };
    const kind = kindOf(items);
    const unitName = info ? { id: info.id, name: info.name } : null;
    const link = this.#link(unit);
    const eventKeys = items.flatMap((i) => i.eventKeys);
    const title = renderNotification("vi", {
      kind,
      unit: unitName,
      items,
      link,
      dedupeKey: "",
      createdAt: now,
    }).subject;
    const id = store.addNotification(unit, kind, title, eventKeys, now);
    for (const planned of plan.messages) {
      const dedupeKey = this.dedupeKey(
        planned.items.flatMap((i) => i.eventKeys),
        planned.channel,
        planned.address,
      );
      const text = { kind, unit: unitName, items: planned.items, link, dedupeKey, createdAt: now };
      const message: OutgoingMessage = {
        v: 1,
        ...text,
        lang: planned.lang,
        ...renderNotification(planned.lang, text),
        attachments: [],
      };
      if (
        store.add(
          id,
          planned.channel,
          planned.address,
          message,
          planned.critical,
          planned.notBefore,
        )
      ) {
        woken.add(planned.channel);
      }
    }
    return { id, unrouted: plan.unrouted };
  }

  /** The unit page, absolute, when web.publicUrl says where people reach the collector. */
  #link(unit: string | null): string | null {
    const base = this.deps.publicUrl?.replace(/\/+$/, "");
    if (!base) return null;
    return unit === null ? `${base}/` : `${base}/units/${encodeURIComponent(unit)}`;
  }

  /** A message's dedupe key: the same events to the same address give the same key. */
  dedupeKey(eventKeys: readonly string[], channel: string, address: string): string {
    const hash = createHash("sha256")
      .update([this.#instance, channel, address, ...[...eventKeys].sort()].join("\n"))
      .digest("hex");
    return `gs-${hash.slice(0, 32)}`;
  }
}

function beginningOf(row: Record<string, unknown>): Beginning {
  return {
    event: readEvent(row),
    status: row.status as Beginning["status"],
    rootKey: (row.root_key as string | null) ?? null,
  };
}

/**
 * A random value made once per database: dedupe keys of two databases (a collector installed
 * again) never collide, while a message sent again from the same one keeps its key.
 */
export function instanceSalt(db: Db): string {
  const get = db.prepare(
    "SELECT value FROM notification_channel_state WHERE channel = '' AND key = 'instance'",
  );
  const found = get.pluck().get() as string | undefined;
  if (found) return JSON.parse(found) as string;
  const made = randomBytes(16).toString("hex");
  db.prepare(
    "INSERT OR IGNORE INTO notification_channel_state (channel, key, value, updated_at) VALUES ('', 'instance', ?, ?)",
  ).run(JSON.stringify(made), Date.now());
  return JSON.parse(get.pluck().get() as string) as string;
}

/** The items with their checks' titles, as the unit's agents last named them, where they have one. */
function withCheckTitles(
  items: readonly Item[],
  titleOf: (unit: string, agent: string, check: string | null) => string | null,
): Item[] {
  const titled = <T extends { check: string | null; checkTitle?: string }>(
    unit: string | null,
    agent: string | null,
    thing: T,
  ): T => {
    const title = unit && agent ? titleOf(unit, agent, thing.check) : null;
    return title === null ? thing : { ...thing, checkTitle: title };
  };
  return items.map((item) => ({
    ...titled(item.unit, item.agent, item),
    affected: item.affected.map((a) => titled(item.unit, a.agent, a)),
  }));
}
