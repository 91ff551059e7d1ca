// Agents dropping data: giamsat_agent_buffer_dropped_samples_total growing over the last minutes
// means an agent's buffer is full (or its data is refused); the problem ends once it has not grown
// for half an hour.
import { METRICS } from "../../../shared/metrics.js";
import type { History } from "../../inspection/history.js";
import type { Conditions } from "../conditions.js";

/** How far back growth is looked for. */
const LOOK_BACK_MS = 10 * 60_000;
/** No growth for this long ends the problem. */
const QUIET_MS = 30 * 60_000;

export class BufferWatch {
  constructor(
    private readonly history: History,
    private readonly conditions: Conditions,
    private readonly units: () => readonly string[],
  ) {}

  /** How much the series grew between `from` and now (a restart's reset counts as none). */
  #growth(seriesId: number, from: number): number {
    const last = this.history.samples.last(seriesId);
    if (!last || last.ts <= from) return 0;
    const before = this.history.samples.lastBefore(seriesId, 0, from + 1);
    return Math.max(0, last.value - (before?.value ?? 0));
  }

  step(now: number): void {
    const open = this.conditions.open("buffer");
    this.history.catalog.refresh();
    for (const unit of this.units()) {
      const byAgent = new Map<number, { recent: number; quiet: number }>();
      for (const series of this.history.catalog.unitMetric(unit, METRICS.agentBufferDropped.name)) {
        const sums = byAgent.get(series.agentId) ?? { recent: 0, quiet: 0 };
        sums.recent += this.#growth(series.id, now - LOOK_BACK_MS);
        sums.quiet += this.#growth(series.id, now - QUIET_MS);
        byAgent.set(series.agentId, sums);
      }
      for (const [agentId, { recent, quiet }] of byAgent) {
        const id = `buffer:${agentId}`;
        const current = open.get(id);
        if (!current && recent > 0) {
          this.conditions.raise(
            id,
            {
              unit,
              subject: "buffer",
              severity: "warning",
              detail: { agentId, dropped: recent, since: now },
            },
            now,
          );
        } else if (current && quiet === 0) {
          this.conditions.resolve(current, "buffer", now);
        }
      }
    }
  }
}
