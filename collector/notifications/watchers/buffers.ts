// Agents dropping data: giamsat_agent_buffer_dropped_samples_total growing over the last minutes
// means an agent's buffer is full (or its data is refused); the problem ends once it has not grown
// for half an hour. Every agent reports the counter (one series per reason), so each series is read
// once a minute (its newest sample) and the readings of the last half hour are kept in memory;
// after a restart, growth is seen once readings old enough exist again.
import { METRICS } from "../../../shared/metrics.js";
import type { History } from "../../inspection/history.js";
import type { Conditions } from "../conditions.js";

/** How far back growth is looked for. */
const LOOK_BACK_MS = 10 * 60_000;
/** No growth for this long ends the problem. */
const QUIET_MS = 30 * 60_000;

interface Reading {
  at: number;
  value: number;
}

export class BufferWatch {
  readonly #readings = new Map<number, Reading[]>();

  constructor(
    private readonly history: History,
    private readonly conditions: Conditions,
    private readonly units: () => readonly string[],
  ) {}

  /** Growth since the newest reading at least `ago` old; undefined without one (just started). */
  #growth(readings: readonly Reading[], now: number, ago: number): number | undefined {
    const last = readings.at(-1);
    let before: Reading | undefined;
    for (const reading of readings) if (reading.at <= now - ago) before = reading;
    if (!last || !before) return undefined;
    // A restarted agent starts its counter again: a fall is not growth.
    return Math.max(0, last.value - before.value);
  }

  async step(now: number): Promise<void> {
    const open = this.conditions.open("buffer");
    this.history.catalog.refresh();
    const seen = new Set<number>();
    for (const unit of this.units()) {
      const byAgent = new Map<number, { recent: number; quiet: number | undefined }>();
      for (const series of this.history.catalog.unitMetric(unit, METRICS.agentBufferDropped.name)) {
        seen.add(series.id);
        const last = this.history.samples.last(series.id);
        const readings = this.#readings.get(series.id) ?? [];
        readings.push({ at: now, value: last?.value ?? 0 });
        while ((readings[0]?.at ?? now) < now - QUIET_MS - 60_000) readings.shift();
        this.#readings.set(series.id, readings);
        const sums = byAgent.get(series.agentId) ?? { recent: 0, quiet: 0 };
        sums.recent += this.#growth(readings, now, LOOK_BACK_MS) ?? 0;
        const quiet = this.#growth(readings, now, QUIET_MS);
        sums.quiet =
          quiet === undefined || sums.quiet === undefined ? undefined : sums.quiet + quiet;
        byAgent.set(series.agentId, sums);
      }
      for (const [agentId, { recent, quiet }] of byAgent) {
        const id = `buffer:${agentId}`;
        const current = open.get(id);
        if (!current && recent > 0) {
          const detail = { agentId, dropped: recent, since: now };
          this.conditions.raise(id, { unit, subject: "buffer", severity: "warning", detail }, now);
        } else if (current && quiet === 0) {
          this.conditions.resolve(current, "buffer", now);
        }
      }
      // A city's agents are many: let agents' batches in between units.
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const id of this.#readings.keys()) if (!seen.has(id)) this.#readings.delete(id);
  }
}
