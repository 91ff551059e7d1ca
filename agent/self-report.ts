// The agent's own counters, sent to the collector like any sample: what its buffer dropped unsent (by
// reason), corrupt buffer files found at start, check runs that failed with an internal error, and the
// samples its buffer holds. Sent at least once a minute, soon after they change (the buffer's samples
// when they moved by a quarter and at least BUFFER_STEP), and when the link comes back.
import { METRICS } from "../shared/metrics.js";
import type { Sample } from "../shared/protocol.js";
import { DROP_REASONS, type Entry, type Outbox } from "./outbox/outbox.js";

/** The counters are reported at least this often... */
const SELF_INTERVAL_MS = 60_000;
/** ...and within this long of changing, so drops during an outage show up soon after it. */
const SELF_CHANGE_MS = 5000;
/** The buffer's samples are reported again when they moved by at least this many... */
const BUFFER_STEP = 50;
/** ...and by at least this share of what was last reported: a backlog draining, or growing. */
const BUFFER_SHARE = 0.25;

export class SelfReport {
  #reported = { at: 0, dropped: -1, errors: -1, corrupt: -1, buffered: 0 };
  readonly #timer: NodeJS.Timeout;

  /** `errors`: internal errors per check since start, kept across reloads. */
  constructor(
    private readonly outbox: Outbox,
    private readonly errors: ReadonlyMap<string, number>,
    private readonly append: (entry: Entry) => void,
  ) {
    this.#timer = setInterval(() => {
      const changed =
        outbox.droppedSamples !== this.#reported.dropped ||
        this.#errorTotal() !== this.#reported.errors ||
        outbox.corruptFiles !== this.#reported.corrupt ||
        this.#bufferMoved();
      if (changed || Date.now() - this.#reported.at >= SELF_INTERVAL_MS) this.report();
    }, SELF_CHANGE_MS);
    this.#timer.unref();
  }

  #bufferMoved(): boolean {
    const moved = Math.abs(this.outbox.size - this.#reported.buffered);
    return moved >= BUFFER_STEP && moved >= this.#reported.buffered * BUFFER_SHARE;
  }

  #errorTotal(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }

  /** Appends the counters as they stand now. */
  report(): void {
    const ts = Date.now();
    const { outbox } = this;
    this.#reported = {
      at: ts,
      dropped: outbox.droppedSamples,
      errors: this.#errorTotal(),
      corrupt: outbox.corruptFiles,
      buffered: outbox.size,
    };
    const samples: Sample[] = DROP_REASONS.map((reason) => ({
      metric: METRICS.agentBufferDropped.name,
      labels: { reason },
      ts,
      value: outbox.dropped[reason],
    }));
    samples.push({
      metric: METRICS.agentBufferCorruptFiles.name,
      labels: {},
      ts,
      value: outbox.corruptFiles,
    });
    samples.push({
      metric: METRICS.agentBufferSamples.name,
      labels: {},
      ts,
      value: outbox.size,
    });
    for (const [check, count] of this.errors) {
      samples.push({ metric: METRICS.agentCheckErrors.name, labels: { check }, ts, value: count });
    }
    this.append({ results: [], samples, inventory: [] });
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
