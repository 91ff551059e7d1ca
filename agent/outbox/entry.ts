// What goes into the outbox and what comes out of it: entries, numbered batches, and the reasons
// samples are dropped unsent.
import type { CheckResult, Inventory, Sample } from "../../shared/protocol.js";

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

/** Why samples were dropped unsent: the `reason` of giamsat_agent_buffer_dropped_samples_total. */
export const DROP_REASONS = ["full", "too_big", "refused", "not_finite"] as const;
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
