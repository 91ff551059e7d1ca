// bench:store's city written into a store: the last RAW_DAYS through BatchStore.write (as ingest
// writes them), with rollups, incidents, compaction and retention run as background steps along a
// simulated clock; the days before, whose raw samples retention would have deleted by now, rolled
// up and followed for incidents from the same generated results without storing them raw.
import type { BatchStore } from "../../collector/agents/batch-store.js";
import type { AgentIdentity } from "../../collector/agents/registry.js";
import type { Db } from "../../collector/db/database.js";
import type { History } from "../../collector/inspection/history.js";
import { quantize, scaleOf } from "../../collector/tsdb/precision.js";
import { METRICS } from "../../shared/metrics.js";
import type { Batch } from "../../shared/protocol.js";
import { CHECKS, type City, INTERVAL } from "./store-data.js";
import { DEPENDS_ON } from "./store-plans.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export interface GenerateInput {
  db: Db;
  history: History;
  samples: BatchStore;
  city: City;
  units: readonly string[];
  agents: readonly AgentIdentity[];
  start: number;
  rawStart: number;
  end: number;
}

/** Writes the city; says what it did and how long it took. */
export function generateCity(input: GenerateInput): string {
  const { db, history, samples, city, units, agents, start, rawStart, end } = input;
  const seq = new Array<number>(units.length).fill(0);
  let stored = 0;

  /** One round of every unit's runs in [t, t + 30 s), written as ingest writes batches. */
  const round = db.transaction((t: number, inventoryFor: number | undefined) => {
    for (let u = 0; u < units.length; u++) {
      const results: Batch["results"] = [];
      const extra: Batch["samples"] = [];
      CHECKS.forEach((check, c) => {
        const runs = city.runs(u, c, t, t + INTERVAL);
        runs.ts.forEach((ts, i) => {
          const up = runs.up[i] as boolean;
          results.push({
            check: check.name,
            category: check.category,
            kind: check.kind,
            ts,
            up,
            ...(up ? {} : { reason: "timeout" as const, message: "no answer within 10000 ms" }),
            duration: runs.duration[i] as number,
            ...(DEPENDS_ON[check.name] ? { dependsOn: DEPENDS_ON[check.name] } : {}),
          });
          if (check.name === "portal") {
            const labels = { check: check.name, category: check.category, kind: check.kind };
            extra.push({
              metric: METRICS.tlsExpiry.name,
              labels,
              ts,
              value: city.certificateExpiry(u),
            });
          }
        });
      });
      if (results.length === 0) continue;
      seq[u] = (seq[u] as number) + 1;
      const inventory =
        inventoryFor === u
          ? [{ check: "host", kind: "host", ts: t, data: hostInventory(u, Math.floor(t / DAY)) }]
          : undefined;
      const batch: Batch = {
        type: "batch",
        v: 1,
        seq: seq[u] as number,
        sentAt: t + INTERVAL,
        results,
        samples: extra,
        ...(inventory ? { inventory } : {}),
      };
      stored += samples.write(agents[u] as AgentIdentity, batch, t + INTERVAL).samples.length;
    }
  });

  // The first round creates the series; then the old days are rolled up without raw samples.
  const began = performance.now();
  round(start, undefined);
  history.catalog.refresh();
  // Which unit, check and kind of series each series id is, for generating its samples.
  const what = new Map<number, [number, number, "up" | "duration" | "tls", number | undefined]>();
  const rows = db
    .prepare(
      "SELECT s.id, a.unit_id AS unit, s.metric, s.labels FROM series s JOIN agents a ON a.id = s.agent_id",
    )
    .all() as { id: number; unit: string; metric: string; labels: string }[];
  for (const row of rows) {
    const check = (JSON.parse(row.labels) as { check?: string }).check;
    const kind =
      row.metric === METRICS.checkUp.name
        ? "up"
        : row.metric === METRICS.tlsExpiry.name
          ? "tls"
          : "duration";
    const c = CHECKS.findIndex((found) => found.name === check);
    what.set(row.id, [units.indexOf(row.unit), c, kind, scaleOf(row.metric)]);
  }
  const source = (id: number, from: number, to: number) => {
    const [u, c, kind, scale] = what.get(id) ?? [0, 0, "up", undefined];
    const made = city.samples(u, c, kind, Math.max(from, start), to);
    // As the sample writer would have stored them: at their metric's precision.
    return { ts: made.ts, values: made.values.map((v) => quantize(v, scale)) };
  };
  // Unit by unit and a day per transaction, as a collector catching up would: each chunk a day
  // touches is encoded once for the day rather than once per hour.
  units.forEach((unit, u) => {
    for (let day = start; day < rawStart; day += DAY) {
      db.transaction(() => {
        history.rollups.rollUp(unit, day, Math.min(day + DAY, rawStart), source);
        for (const check of history.catalog.unitChecks(unit)) {
          history.incidents.follow(check, source(check.id, day, day + DAY));
        }
      })();
    }
    if (u % 10 === 9) {
      console.error(
        `rolled up ${u + 1} of ${units.length} units (${seconds(performance.now() - began)})`,
      );
    }
  });
  for (const unit of units) history.marks.set(unit, { through: rawStart, dirtyFrom: undefined });
  const oldDays = performance.now() - began;

  // The last days through BatchStore.write, with the background jobs every simulated hour.
  let writing = 0;
  let background = 0;
  for (let t = rawStart; t < end; t += INTERVAL) {
    const dayRound = Math.floor((t - rawStart) / INTERVAL) % (DAY / INTERVAL);
    const w = performance.now();
    round(t, dayRound < units.length ? dayRound : undefined);
    writing += performance.now() - w;
    if ((t + INTERVAL) % HOUR === 0) {
      const b = performance.now();
      history.jobs.runUntilIdle(t + INTERVAL);
      background += performance.now() - b;
    }
    if ((t - rawStart) % DAY === 0) {
      console.error(
        `raw day ${(t - rawStart) / DAY + 1} of ${Math.round((end - rawStart) / DAY)} (${seconds(performance.now() - began)})`,
      );
    }
  }
  history.jobs.runUntilIdle(end);
  db.prepare("INSERT INTO maintenance_state (job, value) VALUES ('bench_end', ?)").run(end);
  return `generated in ${seconds(performance.now() - began)}: old days rolled up in ${seconds(oldDays)}; ${stored} samples written in ${seconds(writing)} (${Math.round(stored / (writing / 1000))} samples/s), background jobs ${seconds(background)}`;
}

/** A host inventory that changes a little every few days. */
function hostInventory(u: number, day: number): Record<string, unknown> {
  const packages = Array.from({ length: 60 }, (_, i) => ({
    name: `package-${i}`,
    version: `1.${i}.${Math.floor((day + i + u) / 7)}`,
  }));
  return {
    system: { manufacturer: "Dell Inc.", model: "OptiPlex 7090", serial: `SN${u}` },
    memoryBytes: 16 * 2 ** 30,
    os: { distro: "Ubuntu", release: "22.04", kernel: "5.15.0" },
    software: { source: "dpkg", packages, total: packages.length, truncated: false },
  };
}
