// Planned maintenance windows: those of collector.yaml (kept in step with the file at each start)
// and those created from the web and the API, held in memory by unit. What the rest asks: is a
// check (or an agent) in maintenance at a time, and when in a span — for incidents, availability,
// the summaries and /metrics. A change tells `onChange` the units and from when their rollups
// must be made again, so the figures already rolled up follow the windows.
import type { MaintenanceSpec } from "../../shared/config/maintenance.js";
import type { Db } from "../db/database.js";
import { type Interval, union } from "./availability.js";
import { covers, occurrences, type Subject } from "./maintenance-schedule.js";

export type { Subject } from "./maintenance-schedule.js";

/** One end of an occurrence before its time. */
export interface OccurrenceEnd {
  occurrence: number;
  at: number;
  by: string;
}

export interface MaintenanceWindow extends MaintenanceSpec {
  id: number;
  source: "config" | "web";
  createdBy: string;
  createdAt: number;
  /** A config window no longer in collector.yaml: over from then on. */
  removedAt: number | null;
  ends: OccurrenceEnd[];
}

/** One occurrence of a window, as it happened or will: cut short where it was ended. */
export interface Occurrence extends Interval {
  window: MaintenanceWindow;
  /** Its scheduled start, which names it (an end refers to it). */
  scheduled: number;
}

/** A unit's windows in one span: its occurrences, and when a subject was in maintenance. */
export interface MaintenanceSpan {
  /** As `unitOccurrences` gives them. */
  occurrences: readonly Occurrence[];
  /** As `planned` gives it, for spans within the one read. */
  planned(subject: Subject, from: number, to: number): Interval[];
}

/** A change of the windows covering `unit` from `from` on, made at `now`. */
export type MaintenanceChange = (unit: string, from: number, now: number) => void;

export class Maintenance {
  readonly #byUnit = new Map<string, MaintenanceWindow[]>();
  readonly #byId = new Map<number, MaintenanceWindow>();
  #onChange: MaintenanceChange = () => {};

  constructor(private readonly db: Db) {
    this.#load();
  }

  /** Told of each change, for rollups to be made again (History wires it). */
  onChange(listener: MaintenanceChange): void {
    this.#onChange = listener;
  }

  #load(): void {
    this.#byUnit.clear();
    this.#byId.clear();
    const rows = this.db
      .prepare(`SELECT id, source, definition, created_by AS createdBy, created_at AS createdAt,
        removed_at AS removedAt FROM maintenance_windows ORDER BY id`)
      .all() as {
      id: number;
      source: "config" | "web";
      definition: string;
      createdBy: string;
      createdAt: number;
      removedAt: number | null;
    }[];
    const ends = this.db
      .prepare(`SELECT window_id AS id, occurrence_start AS occurrence, ended_at AS at,
        ended_by AS by FROM maintenance_ends ORDER BY occurrence_start`)
      .all() as ({ id: number } & OccurrenceEnd)[];
    for (const row of rows) {
      const spec = JSON.parse(row.definition) as MaintenanceSpec;
      const window: MaintenanceWindow = { ...row, ...spec, ends: [] };
      this.#byId.set(window.id, window);
      for (const unit of spec.scope.units) {
        const list = this.#byUnit.get(unit);
        if (list) list.push(window);
        else this.#byUnit.set(unit, [window]);
      }
    }
    for (const { id, ...end } of ends) this.#byId.get(id)?.ends.push(end);
  }

  /**
   * Keeps the windows of collector.yaml in step with the file: new ones are added, those gone
   * from it end now (their past stays). Returns how many were added and removed.
   */
  syncConfig(specs: readonly MaintenanceSpec[], now: number): { added: number; removed: number } {
    const keys = new Map(specs.map((spec) => [JSON.stringify(spec), spec]));
    const stored = this.db
      .prepare(
        "SELECT id, config_key AS key FROM maintenance_windows WHERE source = 'config' AND removed_at IS NULL",
      )
      .all() as { id: number; key: string }[];
    let added = 0;
    let removed = 0;
    this.db.transaction(() => {
      const kept = new Set<string>();
      for (const row of stored) {
        if (keys.has(row.key)) {
          kept.add(row.key);
          continue;
        }
        this.db
          .prepare("UPDATE maintenance_windows SET removed_at = ? WHERE id = ?")
          .run(now, row.id);
        removed++;
        this.#changed(this.#byId.get(row.id), now, now);
      }
      const insert = this.db.prepare(`
        INSERT INTO maintenance_windows (source, config_key, definition, created_by, created_at)
        VALUES ('config', @key, @key, 'collector.yaml', @now)
        ON CONFLICT (config_key) DO UPDATE SET removed_at = NULL`);
      for (const [key, spec] of keys) {
        if (kept.has(key)) continue;
        insert.run({ key, now });
        added++;
        this.#changedSpec(spec, Number.NEGATIVE_INFINITY, now);
      }
    })();
    this.#load();
    return { added, removed };
  }

  /** Adds a window from the web or the API; call inside the transaction that audits it. */
  create(spec: MaintenanceSpec, by: string, now: number): MaintenanceWindow {
    const id = Number(
      this.db
        .prepare(`INSERT INTO maintenance_windows (source, definition, created_by, created_at)
          VALUES ('web', ?, ?, ?)`)
        .run(JSON.stringify(spec), by, now).lastInsertRowid,
    );
    this.#load();
    this.#changedSpec(spec, now, now);
    return this.#byId.get(id) as MaintenanceWindow;
  }

  get(id: number): MaintenanceWindow | undefined {
    return this.#byId.get(id);
  }

  /**
   * Ends the window's occurrence in progress now, or cancels its next one; a recurring window
   * goes on at its next occurrence. Undefined when it has none in progress or to come.
   */
  end(id: number, by: string, now: number): Occurrence | undefined {
    const window = this.#byId.get(id);
    if (!window) return undefined;
    const current = this.occurrencesOf(window, now, now + 1)[0] ?? this.next(window, now);
    if (!current) return undefined;
    this.db
      .prepare(`INSERT INTO maintenance_ends (window_id, occurrence_start, ended_at, ended_by)
        VALUES (?, ?, ?, ?)`)
      .run(id, current.scheduled, now, by);
    window.ends.push({ occurrence: current.scheduled, at: now, by });
    this.#changed(window, Math.min(now, current.start), now);
    return { ...current, end: Math.max(current.start, now) };
  }

  /** The window's occurrences overlapping [from, to), cut where they were ended. */
  occurrencesOf(window: MaintenanceWindow, from: number, to: number): Occurrence[] {
    const out: Occurrence[] = [];
    for (const { start, end } of occurrences(window.schedule, from, to)) {
      let stop = end;
      const ended = window.ends.find((e) => e.occurrence === start);
      if (ended) stop = Math.min(stop, ended.at);
      if (window.removedAt !== null) stop = Math.min(stop, window.removedAt);
      if (stop > start && stop > from) out.push({ start, end: stop, scheduled: start, window });
    }
    return out;
  }

  /** The window's first occurrence starting after `now`, within a year. */
  next(window: MaintenanceWindow, now: number): Occurrence | undefined {
    const year = 366 * 86_400_000;
    return this.occurrencesOf(window, now, now + year).find((o) => o.start > now);
  }

  /** Windows naming the unit. */
  windowsOf(unit: string): readonly MaintenanceWindow[] {
    return this.#byUnit.get(unit) ?? [];
  }

  /** Units some window names. */
  units(): string[] {
    return [...this.#byUnit.keys()].sort();
  }

  /** Whether any window names the unit at all (most units: none, and nothing more is asked). */
  has(unit: string): boolean {
    return this.#byUnit.has(unit);
  }

  /** When the subject was in maintenance within [from, to): sorted, disjoint, cut to the span. */
  planned(subject: Subject, from: number, to: number): Interval[] {
    const windows = this.#byUnit.get(subject.unit);
    if (!windows) return [];
    const found: Interval[] = [];
    for (const window of windows) {
      if (!covers(window.scope, subject)) continue;
      for (const o of this.occurrencesOf(window, from, to)) {
        found.push({ start: Math.max(o.start, from), end: Math.min(o.end, to) });
      }
    }
    return union(found);
  }

  /** Whether the subject is in maintenance at `ts`. */
  covers(subject: Subject, ts: number): boolean {
    return this.planned(subject, ts, ts + 1).length > 0;
  }

  /** Occurrences of the unit's windows (of any scope within it) overlapping [from, to). */
  unitOccurrences(unit: string, from: number, to: number): Occurrence[] {
    const out: Occurrence[] = [];
    for (const window of this.#byUnit.get(unit) ?? [])
      out.push(...this.occurrencesOf(window, from, to));
    return out.sort((a, b) => a.start - b.start || a.window.id - b.window.id);
  }

  /**
   * The unit's occurrences overlapping [from, to), worked out once, and `planned` for spans within
   * it from them: a summary asks once per incident, and each ask would walk every window's days.
   */
  unitSpan(unit: string, from: number, to: number): MaintenanceSpan {
    const list = this.unitOccurrences(unit, from, to);
    return {
      occurrences: list,
      planned: (subject, start, end) => {
        if (start < from || end > to) return this.planned(subject, start, end);
        const found: Interval[] = [];
        for (const o of list) {
          if (o.start >= end || o.end <= start || !covers(o.window.scope, subject)) continue;
          found.push({ start: Math.max(o.start, start), end: Math.min(o.end, end) });
        }
        return union(found);
      },
    };
  }

  #changedSpec(spec: MaintenanceSpec, floor: number, now: number): void {
    const first = spec.schedule.every === "once" ? spec.schedule.from : Number.NEGATIVE_INFINITY;
    for (const unit of spec.scope.units) this.#onChange(unit, Math.max(first, floor), now);
  }

  #changed(window: MaintenanceWindow | undefined, from: number, now: number): void {
    if (!window) return;
    for (const unit of window.scope.units) this.#onChange(unit, from, now);
  }
}
