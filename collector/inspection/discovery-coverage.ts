// Which finished runs looked at an address: a run of some of a unit's networks (a schedule's, or a
// request naming a few) says nothing of devices elsewhere, so a device is gone only once a run
// that covered its address finished without finding it.

import type { Statement } from "better-sqlite3";
import { contains, type Network, parseNetwork } from "../../shared/networks.js";
import type { Db } from "../db/database.js";

export interface FinishedRun {
  id: number;
  finishedAt: number;
  networks: Network[];
}

/**
 * The statement of finishedRuns, prepared once for each database: a city report asks for every
 * unit's runs, and preparing it again each time was a measurable part of the report.
 */
const runsOf = new WeakMap<Db, Statement>();

/** The finished (done) runs of each unit, oldest first; of one unit when it is given. */
export function finishedRuns(db: Db, unit?: string): Map<string, FinishedRun[]> {
  let runs = runsOf.get(db);
  if (runs === undefined) {
    runs = db.prepare(
      `SELECT id, unit_id AS unit, finished_at AS finishedAt, networks FROM discovery_runs
       WHERE state = 'done' AND (@unit IS NULL OR unit_id = @unit) ORDER BY id`,
    );
    runsOf.set(db, runs);
  }
  const rows = runs.all({ unit: unit ?? null }) as {
    id: number;
    unit: string;
    finishedAt: number;
    networks: string;
  }[];
  const out = new Map<string, FinishedRun[]>();
  for (const row of rows) {
    const networks = (JSON.parse(row.networks) as string[]).flatMap((text) => {
      const network = parseNetwork(text);
      return typeof network === "string" ? [] : [network];
    });
    const list = out.get(row.unit) ?? [];
    list.push({ id: row.id, finishedAt: row.finishedAt, networks });
    out.set(row.unit, list);
  }
  return out;
}

/**
 * The first run after `lastRun` (the last that found the device) that covered its address: it
 * missed the device, which is gone since. Undefined while no such run finished.
 */
export function missedBy(
  runs: readonly FinishedRun[],
  address: string,
  lastRun: number,
): FinishedRun | undefined {
  return runs.find((run) => run.id > lastRun && run.networks.some((n) => contains(n, address)));
}

/** Whether a run that finished before `time` covered the address (a device found then was not there). */
export function lookedAtBefore(
  runs: readonly FinishedRun[],
  address: string,
  time: number,
): boolean {
  return runs.some(
    (run) => run.finishedAt < time && run.networks.some((n) => contains(n, address)),
  );
}
