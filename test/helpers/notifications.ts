// A store with notifications on a hand-driven clock: results written as ingest writes them,
// incidents followed in the same transactions, and the notifier's grouping and minute's work run
// at chosen times, without sending (the queue is read back instead).
import { Registry } from "prom-client";
import { inspectionReaders } from "../../collector/inspection/readers.js";
import { EventQueue } from "../../collector/notifications/events.js";
import type { OutgoingMessage } from "../../collector/notifications/model.js";
import { Notifier } from "../../collector/notifications/notifier.js";
import { Policy, type Suppressor } from "../../collector/notifications/policy.js";
import {
  type CollectorMetrics,
  createCollectorMetrics,
} from "../../collector/prometheus/self-metrics.js";
import { silentLogger } from "../../shared/log.js";
import { type TestStore, testStore } from "./store.js";

export interface QueuedRow {
  channel: string;
  address: string;
  state: string;
  notBefore: number;
  message: OutgoingMessage;
}

export interface NotifyingStore extends TestStore {
  notifier: Notifier;
  registry: Registry;
  metrics: CollectorMetrics;
  /** Sets the clock and runs the grouping (and, with `watch`, the minute's work) at that time. */
  at(ms: number, options?: { watch?: boolean }): Promise<void>;
  /** Every queued or sent message, oldest first. */
  queued(): QueuedRow[];
  /** Events by status. */
  events(): { key: string; event: string; status: string; reason: string | null }[];
}

export function notifyingStore(
  overrides: Record<string, unknown>,
  suppressors: Suppressor[] = [],
): NotifyingStore {
  let now = 0;
  const clock = () => now;
  let events: EventQueue | undefined;
  const store = testStore(overrides, 0, (db) => {
    events = new EventQueue(db, new Policy(suppressors), clock);
    return events;
  });
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  const readers = inspectionReaders({
    history: store.history,
    agents: { list: () => [] },
    clock,
  });
  const notifier = new Notifier({
    db: store.db,
    database: store.config.database,
    settings: store.config.notifications,
    units: store.config.units,
    publicUrl: store.config.web.publicUrl,
    events: events as EventQueue,
    history: store.history,
    readers,
    metrics,
    log: silentLogger(),
    clock,
  });
  return {
    ...store,
    notifier,
    registry,
    metrics,
    async at(ms, options = {}) {
      now = ms;
      store.history.jobs.runUntilIdle(ms);
      if (options.watch) await notifier.watch(ms);
      notifier.step(ms);
    },
    queued() {
      const rows = store.db
        .prepare(
          "SELECT channel, address, state, not_before AS notBefore, payload FROM notification_messages ORDER BY id",
        )
        .all() as (Omit<QueuedRow, "message"> & { payload: string })[];
      return rows.map(({ payload, ...row }) => ({
        ...row,
        message: JSON.parse(payload) as OutgoingMessage,
      }));
    },
    events() {
      return store.db
        .prepare("SELECT key, event, status, reason FROM notification_events ORDER BY id")
        .all() as { key: string; event: string; status: string; reason: string | null }[];
    },
    close() {
      store.close();
    },
  };
}

/** The store's check incidents as the JSON API lists them at `now`, with their dependents. */
export function checkIncidents(s: TestStore, now: number) {
  const readers = inspectionReaders({
    history: s.history,
    agents: { list: () => [] },
    clock: () => now,
  });
  return readers.incidents.list({ kind: "check" }, now).incidents;
}
