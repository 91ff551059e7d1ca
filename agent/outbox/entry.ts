// What goes into the outbox and what comes out of it: entries, numbered batches, and the reasons
// samples are dropped unsent.
import type { CheckResult, Inventory, Sample } from "../../shared/protocol.js";
import type { Fragments } from "./codec.js";

/** What one check run (or the agent itself) hands to the outbox. */
export interface Entry {
  results: CheckResult[];
  samples: Sample[];
  inventory: Inventory[];
}

/**
 * A numbered batch, ready to send: the JSON text of its arrays, so nothing is parsed again.
 * Once numbered, its seq and content never change until it is acknowledged.
 */
export interface PendingBatch {
  seq: number;
  /** JSON array texts. */
  results: string;
  samples: string;
  inventory: string | undefined;
  /** Samples the collector will store from it (each result becomes two: up and duration). */
  count: number;
  /** True when it holds data older than the current connection. */
  backlog: boolean;
}

/**
 * Why samples were dropped unsent: the `reason` of giamsat_agent_buffer_dropped_samples_total.
 * full: the buffer reached buffer.maxMegabytes; too_big: one entry larger than a batch; refused: the
 * collector refused the batch as invalid; not_finite: NaN or infinite values; disk_full: the buffer's
 * disk took no writes and what was held in memory meanwhile passed buffer.memoryMegabytes; corrupt:
 * the buffer file was corrupt at start and these could not be read back from it.
 */
export const DROP_REASONS = [
  "full",
  "too_big",
  "refused",
  "not_finite",
  "disk_full",
  "corrupt",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Each result is stored by the collector as two samples: giamsat_check_up and _duration_seconds. */
export function sampleCount(entry: Entry): number {
  return entry.results.length * 2 + entry.samples.length;
}

/**
 * The entry without its samples whose value is NaN or infinite (the entry itself when there are
 * none): JSON has no such numbers, so they would reach the collector as null and it would refuse
 * the whole batch.
 */
export function withFiniteValues(entry: Entry): Entry {
  if (entry.samples.every((sample) => Number.isFinite(sample.value))) return entry;
  return { ...entry, samples: entry.samples.filter((sample) => Number.isFinite(sample.value)) };
}

/** The items of a JSON array, comma-separated, without the brackets ("" for none). */
export function listText(items: readonly unknown[]): string {
  return items.length === 0 ? "" : JSON.stringify(items).slice(1, -1);
}

/**
 * An entry's JSON fragments, their length and the samples they carry: one JSON.stringify per array
 * (its text without the brackets), not one per item and a join.
 */
export function entryFragments(entry: Entry): {
  fragments: Fragments;
  size: number;
  items: number;
} {
  const fragments: Fragments = {
    results: listText(entry.results),
    samples: listText(entry.samples),
    inventory: listText(entry.inventory),
  };
  const size = fragments.results.length + fragments.samples.length + fragments.inventory.length;
  return { fragments, size, items: sampleCount(entry) };
}
