// Where results wait until the collector has acknowledged them. The link only sees this interface.
import type { CheckResult, Inventory, Sample } from "../shared/protocol.js";

/** What one check run (or the agent itself) hands to the outbox. */
export interface Entry {
  results: CheckResult[];
  samples: Sample[];
  inventory: Inventory[];
}

/** A numbered batch: once numbered, its seq and content never change until it is acknowledged. */
export interface PendingBatch extends Entry {
  seq: number;
}

export interface Outbox {
  append(entry: Entry): void;
  /**
   * The next batch to send: first those numbered earlier and not sent since the last rewind(),
   * then a new one from waiting entries. Undefined when there is nothing to send.
   */
  take(): PendingBatch | undefined;
  /** The collector stored this batch; it is forgotten. */
  ack(seq: number): void;
  /** The connection dropped: unacknowledged batches will be taken again, in seq order. */
  rewind(): void;
  /** The collector has stored every seq up to lastSeq, so new batches are numbered above it. */
  raiseSeq(lastSeq: number): void;
  /** Samples dropped because the outbox was full, since the agent first started. */
  readonly droppedSamples: number;
  /** Entries (results + samples) waiting, acknowledged ones excluded. */
  readonly size: number;
  /** Called after every append, so the link can send at once. */
  onAppend(listener: () => void): void;
  close(): void;
}

export function entrySize(entry: Entry): number {
  return entry.results.length + entry.samples.length;
}
