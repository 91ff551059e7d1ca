// Forwards every stored sample to the configured Prometheus remote_write endpoints: one durable
// queue in the collector's database, one sender per endpoint, metrics refreshed every second.
import type { RemoteWriteConfig } from "../../shared/config/remote-write.js";
import type { Logger } from "../../shared/log.js";
import type { StoreHooks } from "../agents/batch-store.js";
import type { Db } from "../db/database.js";
import type { CollectorMetrics } from "../prometheus/self-metrics.js";
import { RemoteWriteClient } from "./client.js";
import { RemoteWriteQueue } from "./queue.js";
import { EndpointSender } from "./sender.js";

const REFRESH_MS = 1000;

export class Forwarder {
  readonly #queue: RemoteWriteQueue;
  readonly #senders: EndpointSender[];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    db: Db,
    endpoints: readonly RemoteWriteConfig[],
    metrics: CollectorMetrics,
    private readonly log: Logger,
  ) {
    this.#queue = new RemoteWriteQueue(
      db,
      endpoints.map((e) => e.name),
      log,
    );
    this.#senders = endpoints.map((endpoint) => {
      const client = new RemoteWriteClient(endpoint);
      const labels = { endpoint: endpoint.name };
      // Every series exists from the start, so rate() and alerts see the first increase.
      for (const counter of [
        metrics.remoteWriteSent,
        metrics.remoteWriteFailed,
        metrics.remoteWriteRetried,
        metrics.remoteWriteDropped,
      ]) {
        counter.inc(labels, 0);
      }
      // The URL without query string: some receivers take keys there. Credentials never appear.
      const child = log.child({ endpoint: endpoint.name, url: client.target });
      return new EndpointSender(endpoint, this.#queue, client, metrics, child);
    });
  }

  /** The hook for BatchStore, or undefined when nothing is forwarded (no cost on ingest then). */
  get onStored(): StoreHooks["sample"] {
    return this.#senders.length > 0 ? this.#queue.enqueue : undefined;
  }

  start(): void {
    for (const sender of this.#senders) sender.start();
    // Without endpoints only leftovers of removed ones need deleting, which the first call starts.
    if (this.#senders.length > 0) {
      this.#timer = setInterval(() => this.#refresh(), REFRESH_MS);
      this.#timer.unref();
    }
    this.#refresh();
  }

  #refresh(): void {
    if (this.#closed) return;
    const now = Date.now();
    try {
      for (const sender of this.#senders) sender.refresh(now);
      // Rows no endpoint needs (endpoints removed from the config, refused or dropped ones) go
      // a step at a time; more steps follow while there is more to delete.
      if (this.#queue.trim()) setImmediate(() => this.#refresh());
    } catch (error) {
      this.log.error({ err: error }, "remote write queue upkeep failed");
    }
  }

  /** Stops the senders; what is still queued is sent after the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all(this.#senders.map((sender) => sender.stop()));
  }
}
