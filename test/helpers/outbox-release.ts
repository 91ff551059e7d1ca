// The outbox file written by release 0853e76 (test/fixtures/outbox/) and what that release read back
// from it, for the tests that hold every later agent to reading it the same way.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { Entry, Outbox, OutboxOptions } from "../../agent/outbox/outbox.js";
import { ROOT } from "./processes.js";

const FOLDER = join(ROOT, "test/fixtures/outbox");
export const RELEASE_FILE = join(FOLDER, "release-0853e76.db");

export interface ReleaseFixture {
  options: { maxBytes: number; batchBytes: number; backfillPerSecond: number };
  /** The rows left in the file, in id order. */
  rows: { seq: number | null; entries: Entry[] }[];
  /** What the release's outbox reported on opening the file. */
  opened: { size: number; bytes: number; droppedSamples: number };
  /** What it then sent, after a reconnect, in order. */
  batches: {
    seq: number;
    results: unknown[];
    samples: unknown[];
    inventory: unknown[] | null;
    count: number;
    backlog: boolean;
  }[];
}

export const RELEASE: ReleaseFixture = JSON.parse(
  readFileSync(join(FOLDER, "release-0853e76.json"), "utf8"),
);

/** A copy of the release's file in `dir` (the original stays untouched), opened with its options. */
export function openRelease(
  open: (options: OutboxOptions) => Outbox,
  dir: string,
  name = "release.db",
): Outbox {
  const path = join(dir, name);
  copyFileSync(RELEASE_FILE, path);
  return open({ path, ...RELEASE.options, now: () => 1_767_225_660_000 });
}

/** Reconnects and takes every batch, checking each is exactly what the release sent. */
export function expectReleaseBatches(outbox: Outbox): void {
  expect({
    size: outbox.size,
    bytes: outbox.bytes,
    droppedSamples: outbox.droppedSamples,
  }).toEqual(RELEASE.opened);
  outbox.resume();
  for (const expected of RELEASE.batches) {
    const batch = outbox.take();
    expect(batch).toBeDefined();
    if (!batch) return;
    // The texts themselves, byte for byte: they go on the wire as they are.
    expect(batch.results).toBe(JSON.stringify(expected.results));
    expect(batch.samples).toBe(JSON.stringify(expected.samples));
    expect(batch.inventory).toBe(
      expected.inventory === null ? undefined : JSON.stringify(expected.inventory),
    );
    expect({ seq: batch.seq, count: batch.count, backlog: batch.backlog }).toEqual({
      seq: expected.seq,
      count: expected.count,
      backlog: expected.backlog,
    });
  }
  expect(outbox.take()).toBeUndefined();
}
