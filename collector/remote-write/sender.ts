// One remote_write endpoint's send loop: takes the oldest queued samples, sends them as one
// request with each series' samples in timestamp order, and moves on only when the answer says so.
// One request is in flight at a time, so a series never overtakes itself.
import type { RemoteWriteConfig } from "../../shared/config/remote-write.js";
import type { Logger } from "../../shared/log.js";
import { waitAtMost } from "../../shared/wait.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import type { RemoteWriteClient, SendOutcome } from "./client.js";
import {
  encodeLabels,
  encodeWriteRequest,
  type LabelPair,
  type SeriesSamples,
} from "./protobuf.js";
import type { QueuedSample, RemoteWriteQueue } from "./queue.js";

/** How often an idle sender looks again anyway (the queue cap, a missed wake-up). */
const IDLE_CHECK_MS = 1000;
/** Encoded labels kept per endpoint; past this the cache starts over. */
const MAX_CACHED_SERIES = 500_000;
/** Drops are logged at most this often (the counter has every one). */
const DROP_LOG_MS = 60_000;
/** How long stopping waits for a request in flight before cutting it off. */
const STOP_GRACE_MS = 5000;

export class EndpointSender {
  readonly #name: string;
  readonly #labels = new Map<number, Uint8Array | null>();
  readonly #external: [string, string][];
  /** Aborted when the collector stops: no new request, no more waiting. */
  readonly #stop = new AbortController();
  /** Aborted a little later: cuts off a request still in flight. */
  readonly #cancel = new AbortController();
  #running: Promise<void> | undefined;
  /** Consecutive failed attempts; 0 while requests succeed. */
  #failures = 0;
  #lastReason = "";
  #droppedUnlogged = 0;
  #dropLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: RemoteWriteConfig,
    private readonly queue: RemoteWriteQueue,
    private readonly client: RemoteWriteClient,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
  ) {
    this.#name = config.name;
    this.#external = Object.entries(config.externalLabels);
  }

  start(): void {
    if (this.#running) return;
    this.log.info("forwarding samples with remote write");
    this.#running = this.#run().catch((error: unknown) => {
      // A bug, or the database going away: log it; the queue keeps the samples for the next start.
      this.log.error({ err: error }, "remote write sender stopped");
    });
  }

  /** Lets a request in flight finish (its samples would otherwise be sent again), then stops. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await waitAtMost(this.#running, STOP_GRACE_MS);
    this.#cancel.abort();
    await this.#running;
    this.client.close();
  }

  /** Moves the queue metrics of this endpoint, and drops what is over the cap. */
  refresh(now: number): void {
    const dropped = this.queue.cap(this.#name, this.config.queue.maxSamples);
    if (dropped > 0) {
      this.metrics.remoteWriteDropped.inc({ endpoint: this.#name }, dropped);
      this.#droppedUnlogged += dropped;
    }
    if (this.#droppedUnlogged > 0 && now - this.#dropLoggedAt >= DROP_LOG_MS) {
      this.log.warn(
        { dropped: this.#droppedUnlogged, maxSamples: this.config.queue.maxSamples },
        "remote write queue full; oldest samples dropped",
      );
      this.#droppedUnlogged = 0;
      this.#dropLoggedAt = now;
    }
    const queued = this.queue.queued(this.#name);
    this.metrics.remoteWriteQueue.set({ endpoint: this.#name }, queued);
    const oldest = queued > 0 ? this.queue.oldestTs(this.#name) : undefined;
    this.metrics.remoteWriteLag.set(
      { endpoint: this.#name },
      oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
    );
  }

  async #run(): Promise<void> {
    const { batchSamples, flushInterval } = this.config.queue;
    const signal = this.#stop.signal;
    /** When the sender first saw a batch that is not full yet: it goes out flushInterval later. */
    let firstSeenAt: number | undefined;
    while (!signal.aborted) {
      this.refresh(Date.now());
      const { rows, lastId } = this.queue.read(this.#name, batchSamples);
      if (rows.length === 0) {
        // Ids up to lastId that are not there belong to writes that were rolled back.
        this.queue.done(this.#name, lastId);
        firstSeenAt = undefined;
        await this.queue.waitFor(lastId + 1, IDLE_CHECK_MS, signal);
        continue;
      }
      if (rows.length < batchSamples) {
        firstSeenAt ??= Date.now();
        const wait = firstSeenAt + flushInterval - Date.now();
        if (wait > 0) {
          await this.queue.waitFor((rows[0] as QueuedSample)[0] - 1 + batchSamples, wait, signal);
          continue;
        }
      }
      firstSeenAt = undefined;
      // A batch that is not full holds every row up to lastId: the sender is done with all of them.
      const upTo = rows.length < batchSamples ? lastId : (rows.at(-1) as QueuedSample)[0];
      const { body, samples, unknown } = this.#encode(rows);
      const outcome: SendOutcome =
        samples > 0
          ? await this.client.send(body, this.#cancel.signal)
          : { kind: "sent", status: 0 };
      if (signal.aborted && outcome.kind === "retry") return;
      this.#settle(outcome, upTo, samples, unknown);
      if (outcome.kind === "retry") await this.#backoff(outcome.retryAfterMs);
    }
  }

  #settle(outcome: SendOutcome, upTo: number, samples: number, unknown: number): void {
    const endpoint = { endpoint: this.#name };
    if (outcome.kind === "retry") {
      this.metrics.remoteWriteRetried.inc(endpoint, samples);
      this.#failures++;
      if (this.#failures === 1 || outcome.reason !== this.#lastReason) {
        this.log.warn(
          { reason: outcome.reason, status: outcome.status, samples },
          "remote write failed; retrying with backoff",
        );
      }
      this.#lastReason = outcome.reason;
      return;
    }
    this.queue.done(this.#name, upTo);
    if (unknown > 0) {
      // Their series were deleted meanwhile (retention): nothing can name them any more.
      this.metrics.remoteWriteDropped.inc(endpoint, unknown);
    }
    if (outcome.kind === "refused") {
      this.metrics.remoteWriteFailed.inc(endpoint, samples);
      this.log.error(
        { status: outcome.status, body: outcome.body, samples },
        "remote write refused by the receiver; samples dropped",
      );
    } else {
      this.metrics.remoteWriteSent.inc(endpoint, samples);
    }
    if (this.#failures > 0) {
      this.log.info({ attempts: this.#failures + 1 }, "remote write succeeded again");
      this.#failures = 0;
      this.#lastReason = "";
    }
  }

  /** Capped exponential backoff with jitter; a Retry-After from the receiver takes precedence. */
  async #backoff(retryAfterMs: number | undefined): Promise<void> {
    const { minBackoff, maxBackoff } = this.config.queue;
    const exponential = Math.min(maxBackoff, minBackoff * 2 ** Math.min(this.#failures - 1, 30));
    // Full jitter on the upper half, so collectors that lost the receiver together do not
    // come back in step.
    const wait = retryAfterMs ?? exponential / 2 + (Math.random() * exponential) / 2;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      const signal = this.#stop.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** The WriteRequest for these rows: one TimeSeries per series, its samples in timestamp order. */
  #encode(rows: readonly QueuedSample[]): { body: Buffer; samples: number; unknown: number } {
    const bySeries = new Map<number, { timestamps: number[]; values: number[] }>();
    for (const [, seriesId, ts, value] of rows) {
      let entry = bySeries.get(seriesId);
      if (!entry) {
        entry = { timestamps: [], values: [] };
        bySeries.set(seriesId, entry);
      }
      entry.timestamps.push(ts);
      entry.values.push(value);
    }
    const series: SeriesSamples[] = [];
    let samples = 0;
    let unknown = 0;
    for (const [id, entry] of bySeries) {
      const labels = this.#labelsOf(id);
      if (!labels) {
        unknown += entry.timestamps.length;
        continue;
      }
      sortByTimestamp(entry);
      series.push({ labels, ...entry });
      samples += entry.timestamps.length;
    }
    return { body: encodeWriteRequest(series), samples, unknown };
  }

  /**
   * The series' labels as /metrics shows them (name, unit, agent, its own labels), plus the
   * endpoint's external labels where the series has no label of that name: the series' own
   * label wins, as in Prometheus. Sorted by name, empty values left out (the specification).
   */
  #labelsOf(seriesId: number): Uint8Array | null {
    const cached = this.#labels.get(seriesId);
    if (cached !== undefined) return cached;
    const names = this.queue.series(seriesId);
    let encoded: Uint8Array | null = null;
    if (names) {
      const own = JSON.parse(names.labels) as Record<string, string>;
      const all = new Map<string, string>([
        ["__name__", names.metric],
        ["unit", names.unit],
        ["agent", names.agent],
      ]);
      for (const [name, value] of Object.entries(own)) if (value !== "") all.set(name, value);
      for (const [name, value] of this.#external) if (!all.has(name)) all.set(name, value);
      const pairs: LabelPair[] = [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      encoded = encodeLabels(pairs);
    }
    if (this.#labels.size >= MAX_CACHED_SERIES) this.#labels.clear();
    this.#labels.set(seriesId, encoded);
    return encoded;
  }
}

/** Sorts a series' samples by timestamp in place; they almost always are already. */
function sortByTimestamp(entry: { timestamps: number[]; values: number[] }): void {
  const { timestamps, values } = entry;
  let sorted = true;
  for (let i = 1; i < timestamps.length && sorted; i++) {
    if ((timestamps[i] as number) < (timestamps[i - 1] as number)) sorted = false;
  }
  if (sorted) return;
  const order = timestamps
    .map((_, i) => i)
    .sort((a, b) => (timestamps[a] as number) - (timestamps[b] as number));
  entry.timestamps = order.map((i) => timestamps[i] as number);
  entry.values = order.map((i) => values[i] as number);
}
