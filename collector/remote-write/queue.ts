// The durable send queue of remote_write in SQLite: a sample is queued by the transaction that
// stores it, and each endpoint keeps how far it got (sent, refused or dropped), so a sample leaves
// an endpoint's queue only after the endpoint answered 2xx (or refused it for good, or the queue
// was full). Rows every endpoint is done with are deleted in small steps.
import type { Logger } from "../../shared/log.js";
import type { Db } from "../db/database.js";

/** A queued sample as SQLite hands it over: arrays, which cost half of what objects do per row. */
export type QueuedSample = readonly [id: number, seriesId: number, ts: number, value: number];

/** What a request needs to name a series. */
export interface SeriesNames {
  metric: string;
  /** Canonical JSON of the series' own labels. */
  labels: string;
  agent: string;
  unit: string;
}

/** Rows deleted at most per step, so trimming never holds the event loop for long. */
const TRIM_STEP = 20_000;

interface Waiter {
  id: number;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

export class RemoteWriteQueue {
  /** The highest id handed out; ids of a rolled-back transaction are simply never seen. */
  #lastId: number;
  /** Every row up to this id is deleted. */
  #trimmedTo: number;
  readonly #done = new Map<string, number>();
  readonly #waiters: Waiter[] = [];
  /** enqueue() wakes waiters once an id reaches this. */
  #wakeAt = Number.POSITIVE_INFINITY;
  readonly #insert;
  readonly #read;
  readonly #count;
  readonly #oldestTs;
  readonly #saveDone;
  readonly #delete;
  readonly #series;

  constructor(db: Db, names: readonly string[], log: Logger) {
    this.#insert = db.prepare(
      "INSERT INTO remote_write_queue (id, series_id, ts, value) VALUES (?, ?, ?, ?)",
    );
    this.#read = db
      .prepare(
        "SELECT id, series_id, ts, value FROM remote_write_queue WHERE id > ? ORDER BY id LIMIT ?",
      )
      .raw(true);
    this.#count = db
      .prepare("SELECT count(*) FROM remote_write_queue WHERE id > ? AND id <= ?")
      .pluck();
    this.#oldestTs = db
      .prepare("SELECT ts FROM remote_write_queue WHERE id > ? ORDER BY id LIMIT 1")
      .pluck();
    this.#saveDone = db.prepare(
      "INSERT INTO remote_write_endpoints (name, done_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET done_id = excluded.done_id",
    );
    this.#delete = db.prepare("DELETE FROM remote_write_queue WHERE id <= ?");
    this.#series = db.prepare(`
      SELECT s.metric, s.labels, a.name AS agent, a.unit_id AS unit
      FROM series s JOIN agents a ON a.id = s.agent_id WHERE s.id = ?`);

    const maxQueued = db.prepare("SELECT max(id) FROM remote_write_queue").pluck().get() as
      | number
      | null;
    const known = db.prepare("SELECT name, done_id AS done FROM remote_write_endpoints").all() as {
      name: string;
      done: number;
    }[];
    this.#lastId = Math.max(maxQueued ?? 0, ...known.map((k) => k.done));
    db.transaction(() => {
      for (const { name, done } of known) {
        if (names.includes(name)) {
          this.#done.set(name, done);
          continue;
        }
        const left = this.#count.get(done, this.#lastId) as number;
        db.prepare("DELETE FROM remote_write_endpoints WHERE name = ?").run(name);
        log.warn(
          { endpoint: name, samples: left },
          "remote write endpoint no longer in the config; its queued samples are dropped",
        );
      }
      // A new endpoint starts with what is stored from now on, as Prometheus' does.
      for (const name of names) {
        if (!this.#done.has(name)) {
          this.#done.set(name, this.#lastId);
          this.#saveDone.run(name, this.#lastId);
        }
      }
    })();
    const firstRow = db.prepare("SELECT min(id) FROM remote_write_queue").pluck().get() as
      | number
      | null;
    this.#trimmedTo = (firstRow ?? this.#lastId + 1) - 1;
  }

  /** Queues a sample; called inside the transaction that stores it. Keep it cheap. */
  readonly enqueue = (seriesId: number, ts: number, value: number): void => {
    const id = ++this.#lastId;
    this.#insert.run(id, seriesId, ts, value);
    if (id >= this.#wakeAt) {
      // Not now: this runs inside the storing transaction. Waiters look at the queue afterwards.
      this.#wakeAt = Number.POSITIVE_INFINITY;
      setImmediate(() => this.#wake());
    }
  };

  /** The next samples for the endpoint, oldest first, and the highest id at the time of reading. */
  read(name: string, limit: number): { rows: QueuedSample[]; lastId: number } {
    const rows = this.#read.all(this.#doneOf(name), limit) as QueuedSample[];
    return { rows, lastId: this.#lastId };
  }

  /** Samples waiting for the endpoint (ids of rolled-back writes counted until passed). */
  queued(name: string): number {
    return this.#lastId - this.#doneOf(name);
  }

  /** Timestamp of the oldest sample waiting for the endpoint. */
  oldestTs(name: string): number | undefined {
    return (this.#oldestTs.get(this.#doneOf(name)) as number | undefined) ?? undefined;
  }

  /** The endpoint is done with every row up to `id`: they leave its queue, durably. */
  done(name: string, id: number): void {
    if (id <= this.#doneOf(name)) return;
    // Saved first: if that fails the samples stay queued (and may be sent twice), none is lost.
    this.#saveDone.run(name, id);
    this.#done.set(name, id);
    this.trim();
  }

  /**
   * Drops the oldest samples beyond `max` for the endpoint, returning how many were dropped.
   * They are counted, not guessed from ids, so the number reported is the number lost.
   */
  cap(name: string, max: number): number {
    const done = this.#doneOf(name);
    if (this.#lastId - done <= max) return 0;
    const to = this.#lastId - max;
    const dropped = this.#count.get(done, to) as number;
    this.done(name, to);
    return dropped;
  }

  /** Deletes rows every endpoint is done with, one bounded step; true when more remain. */
  trim(): boolean {
    let upTo = this.#lastId;
    for (const done of this.#done.values()) upTo = Math.min(upTo, done);
    if (upTo <= this.#trimmedTo) return false;
    const to = Math.min(upTo, this.#trimmedTo + TRIM_STEP);
    this.#delete.run(to);
    this.#trimmedTo = to;
    return to < upTo;
  }

  /** Names of a series, or undefined when it no longer exists. */
  series(seriesId: number): SeriesNames | undefined {
    return this.#series.get(seriesId) as SeriesNames | undefined;
  }

  /** Resolves once a sample with an id of at least `id` was queued, after `ms`, or on abort. */
  waitFor(id: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.#lastId >= id || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id,
        resolve: () => {
          clearTimeout(waiter.timer);
          signal.removeEventListener("abort", waiter.resolve);
          const at = this.#waiters.indexOf(waiter);
          if (at >= 0) this.#waiters.splice(at, 1);
          this.#rearm();
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), ms),
      };
      signal.addEventListener("abort", waiter.resolve, { once: true });
      this.#waiters.push(waiter);
      this.#rearm();
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) if (waiter.id <= this.#lastId) waiter.resolve();
    this.#rearm();
  }

  #rearm(): void {
    let at = Number.POSITIVE_INFINITY;
    for (const waiter of this.#waiters) at = Math.min(at, waiter.id);
    this.#wakeAt = at;
  }

  #doneOf(name: string): number {
    const done = this.#done.get(name);
    if (done === undefined) throw new Error(`no remote write endpoint "${name}"`);
    return done;
  }
}
