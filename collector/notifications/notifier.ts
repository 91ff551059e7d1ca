// The notification subsystem put together: events queued by the incident engine and the watchers
// are grouped every second into messages, which one send loop per channel delivers; every minute
// the watchers look at certificates, agents' buffers and the collector's health, reminders are
// queued for problems still open, the monthly summaries go out when due, and old history goes.
import type { UnitConfig } from "../../shared/config/collector.js";
import type { NotificationsConfig } from "../../shared/config/notifications.js";
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";
import type { History } from "../inspection/history.js";
import type { Readers } from "../inspection/readers.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import { createChannel } from "./channels/index.js";
import { channelState } from "./channels/state.js";
import { Conditions } from "./conditions.js";
import { WeeklyDigest } from "./digest.js";
import { unitDirectory } from "./directory.js";
import { ChannelSender } from "./dispatcher.js";
import type { EventQueue } from "./events.js";
import { Grouper } from "./grouper.js";
import { MessageStore } from "./messages.js";
import { Repeats } from "./repeats.js";
import { MonthlySummaries } from "./summaries.js";
import { SummarySender } from "./summary-sender.js";
import { BufferWatch } from "./watchers/buffers.js";
import { CertificateWatch } from "./watchers/certificates.js";
import { HealthWatch } from "./watchers/health.js";

/** How often waiting events are grouped. */
const GROUP_EVERY_MS = 1000;
/** How often the watchers, reminders, summaries and cleanup run. */
const WATCH_EVERY_MS = 60_000;
/** What was sent (and the events said) is kept this long for the unit page, then deleted. */
export const HISTORY_MS = 90 * 86_400_000;

export interface NotifierOptions {
  db: Db;
  database: string;
  settings: NotificationsConfig;
  units: readonly UnitConfig[];
  publicUrl: string | undefined;
  events: EventQueue;
  history: History;
  readers: Readers;
  metrics: CollectorMetrics;
  log: Logger;
  clock?: () => number;
  /** The clock the monthly summaries are scheduled by: the real one, or a test's (cli/main.ts). */
  scheduleClock?: () => number;
}

export class Notifier {
  readonly store: MessageStore;
  readonly grouper: Grouper;
  readonly summaries: MonthlySummaries;
  readonly digest: WeeklyDigest;
  readonly senders: Map<string, ChannelSender>;
  readonly #watchers: { step(now: number): void | Promise<void> }[];
  readonly #clock: () => number;
  readonly #scheduleClock: () => number;
  #groupTimer: NodeJS.Timeout | undefined;
  #watchTimer: NodeJS.Timeout | undefined;
  #watching: Promise<void> | undefined;
  readonly #cleanup;

  constructor(private readonly options: NotifierOptions) {
    const { db, settings, log } = options;
    this.#clock = options.clock ?? Date.now;
    this.#scheduleClock = options.scheduleClock ?? this.#clock;
    this.store = new MessageStore(db);
    const channels = new Map(settings.channels.map((c) => [c.name, c]));
    const units = unitDirectory(db, options.units);
    this.grouper = new Grouper({
      db,
      store: this.store,
      incidents: options.readers.incidents,
      dependencies: options.history.dependencies,
      units,
      settings,
      channels,
      publicUrl: options.publicUrl,
      log,
    });
    const sender = new SummarySender({
      store: this.store,
      grouper: this.grouper,
      settings,
      channels,
      publicUrl: options.publicUrl,
    });
    const scheduled = { db, readers: options.readers, sender, units, settings, log };
    this.summaries = new MonthlySummaries(scheduled);
    this.digest = new WeeklyDigest(scheduled);
    this.senders = new Map(
      settings.channels.map((config) => {
        const child = log.child({ channel: config.name });
        const state = channelState(db, config.name, this.#clock);
        const channel = createChannel(config, { log: child, state, clock: this.#clock });
        const sender = new ChannelSender(config.name, channel, {
          db,
          store: this.store,
          metrics: options.metrics,
          backoff: settings.queue,
          log: child,
          clock: this.#clock,
        });
        return [config.name, sender];
      }),
    );
    const conditions = new Conditions(db, options.events);
    const active = () => options.units.map((u) => u.id);
    this.#watchers = [
      new CertificateWatch(options.history, conditions, active, settings.certificateDays),
      new BufferWatch(options.history, conditions, active),
      new HealthWatch(options.database, options.metrics, conditions, settings.diskFreeRatio),
      new Repeats(db, options.events, settings.repeatInterval),
    ];
    this.#cleanup = db.transaction((before: number) => {
      db.prepare("DELETE FROM notification_messages WHERE state != 'queued' AND done_at < ?").run(
        before,
      );
      db.prepare(`
        DELETE FROM notifications WHERE created_at < ?
          AND NOT EXISTS (SELECT 1 FROM notification_messages m WHERE m.notification_id = notifications.id)`).run(
        before,
      );
      // An ended problem's events, once its end was dealt with; an open one keeps its beginning.
      db.prepare(`
        DELETE FROM notification_events WHERE created_at < ? AND status != 'pending'
          AND key IN (SELECT key FROM notification_events WHERE event = 'resolved' AND status != 'pending')`).run(
        before,
      );
    });
    options.events.onQueued(() => this.#soon());
  }

  /** Whether any channel is configured (without one, events are kept but nothing is sent). */
  get enabled(): boolean {
    return this.senders.size > 0;
  }

  start(): void {
    const now = this.#clock();
    for (const [channel, n] of this.store.dropOrphans([...this.senders.keys()], now)) {
      this.options.metrics.notificationsDropped.inc({ channel }, n);
      this.options.log.warn(
        { channel, dropped: n },
        "notification channel no longer in the config; its waiting messages are dropped",
      );
    }
    for (const sender of this.senders.values()) sender.start();
    this.#groupTimer = setInterval(() => this.step(this.#clock()), GROUP_EVERY_MS);
    this.#groupTimer.unref();
    const watch = () => {
      this.#watching = this.watch(this.#clock()).catch((error: unknown) => {
        this.options.log.error({ err: error }, "notification watchers failed");
      });
    };
    this.#watchTimer = setInterval(watch, WATCH_EVERY_MS);
    this.#watchTimer.unref();
    // The first look at once: a summary missed while the collector was down goes out now.
    setImmediate(watch);
  }

  /** Groups what has waited, queues it, wakes the senders and refreshes the queue's metrics. */
  step(now: number): void {
    try {
      for (const channel of this.grouper.step(now)) this.senders.get(channel)?.wake();
      const { metrics, settings } = this.options;
      for (const [channel, n] of this.store.cap(settings.queue.maxMessages, now)) {
        metrics.notificationsDropped.inc({ channel }, n);
        this.options.log.warn(
          { channel, dropped: n },
          "notification queue full; oldest messages dropped",
        );
      }
      const queued = this.store.queued();
      for (const channel of this.senders.keys()) {
        metrics.notificationsQueued.set({ channel }, queued.get(channel) ?? 0);
      }
    } catch (error) {
      this.options.log.error({ err: error }, "grouping notifications failed");
    }
  }

  /** The minute's work: watchers, reminders, summaries, cleanup. */
  async watch(now: number): Promise<void> {
    for (const watcher of this.#watchers) await watcher.step(now);
    const scheduled = this.#scheduleClock();
    const monthly = this.summaries.step(scheduled);
    const weekly = this.digest.step(scheduled);
    if (monthly || weekly) {
      for (const sender of this.senders.values()) sender.wake();
    }
    this.#cleanup(now - HISTORY_MS);
  }

  #soonTimer: NodeJS.Timeout | undefined;
  /** An event was queued (inside its transaction): group a moment later, not now. */
  #soon(): void {
    if (this.#soonTimer || this.options.settings.groupWait > 0) return;
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = undefined;
      this.step(this.#clock());
    }, 10);
    this.#soonTimer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#groupTimer);
    clearInterval(this.#watchTimer);
    clearTimeout(this.#soonTimer);
    await this.#watching;
    await Promise.all([...this.senders.values()].map((sender) => sender.stop()));
  }
}
