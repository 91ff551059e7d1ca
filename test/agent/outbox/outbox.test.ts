// The outbox contract, run against a file and against ":memory:" (the same implementation must
// behave the same on both), plus what only a file can show: surviving a restart.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { type Entry, Outbox, type PendingBatch } from "../../../agent/outbox/outbox.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());
let files = 0;

function entry(ts: number, samples = 1): Entry {
  return {
    results: [{ check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.001 }],
    samples: Array.from({ length: samples }, (_, i) => ({
      metric: "giamsat_ping_rtt_seconds",
      labels: { check: "gw", n: String(i) },
      ts,
      value: ts / 1000,
    })),
    inventory: [],
  };
}

/** Timestamps of the results carried by a batch. */
function stamps(batch: PendingBatch | undefined): number[] {
  return (JSON.parse(batch?.results ?? "[]") as { ts: number }[]).map((r) => r.ts);
}

function drainAll(outbox: Outbox): PendingBatch[] {
  const out: PendingBatch[] = [];
  for (let b = outbox.take(); b; b = outbox.take()) {
    out.push(b);
    outbox.ack(b.seq);
  }
  return out;
}

for (const backend of ["file", "memory"] as const) {
  const open = (options: Partial<ConstructorParameters<typeof Outbox>[0]> = {}) =>
    new Outbox({
      path: backend === "file" ? join(dir.path, `outbox-${files++}.db`) : ":memory:",
      maxBytes: 10_000_000,
      ...options,
    });

  describe(`outbox (${backend})`, () => {
    it("hands out numbered batches oldest first and forgets them once acknowledged", () => {
      const outbox = open({ batchBytes: 1500 });
      for (let i = 0; i < 10; i++) outbox.append(entry(1000 + i));
      expect(outbox.size).toBe(30);
      const batches = drainAll(outbox);
      expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i + 1));
      expect(batches.flatMap(stamps)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
      expect(batches.every((b) => JSON.stringify(JSON.parse(b.samples)).length > 2)).toBe(true);
      expect(outbox.size).toBe(0);
      outbox.close();
    });

    it("sends unacknowledged batches again after a reconnect, with the same seq and content", () => {
      const outbox = open({ batchBytes: 400 });
      for (let i = 0; i < 6; i++) outbox.append(entry(i + 1));
      const first = outbox.take();
      const second = outbox.take();
      expect(first && second).toBeTruthy();
      outbox.ack(first?.seq ?? 0);
      outbox.resume();
      const again = outbox.take();
      expect(again).toEqual({ ...second, backlog: true });
      const next = outbox.take();
      expect(next?.seq).toBe((second?.seq ?? 0) + 1);
      outbox.close();
    });

    it("sends a batch of results without samples again as valid JSON", () => {
      // tcp and http checks report results only; their entries hold no sample text at all.
      const outbox = open();
      for (let i = 0; i < 3; i++) outbox.append(entry(i + 1, 0));
      const first = outbox.take();
      outbox.resume();
      const again = outbox.take();
      expect(again?.seq).toBe(first?.seq);
      expect(JSON.parse(again?.samples ?? "")).toEqual([]);
      expect(stamps(again)).toEqual([1, 2, 3]);
      outbox.close();
    });

    it("numbers new batches above the collector's lastSeq", () => {
      const outbox = open();
      outbox.append(entry(1));
      outbox.raiseSeq(41);
      expect(outbox.take()?.seq).toBe(42);
      outbox.raiseSeq(5);
      outbox.append(entry(2));
      expect(outbox.take()?.seq).toBe(43);
      outbox.close();
    });

    it("drops the oldest entries when full, counts them, and keeps the newest", () => {
      const outbox = open({ maxBytes: 20_000 });
      const total = 200;
      for (let i = 0; i < total; i++) outbox.append(entry(i, 3));
      expect(outbox.bytes).toBeLessThanOrEqual(20_000);
      const kept = drainAll(outbox).flatMap(stamps);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => total - kept.length + i));
      expect(outbox.droppedSamples).toBe((total - kept.length) * 5);
      outbox.close();
    });

    it("drops and counts a batch the collector refused as invalid", () => {
      const outbox = open();
      outbox.append(entry(1, 2));
      const batch = outbox.take();
      expect(outbox.reject(batch?.seq ?? 0)).toBe(4);
      expect(outbox.droppedSamples).toBe(4);
      expect(outbox.dropped).toMatchObject({ full: 0, too_big: 0, refused: 4, not_finite: 0 });
      expect(outbox.size).toBe(0);
      outbox.resume();
      expect(outbox.take()).toBeUndefined();
      outbox.close();
    });

    it("drops and counts samples whose value is not a finite number, and keeps the rest", () => {
      const outbox = open();
      const kept = entry(7, 1);
      const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((value) => ({
        ...(kept.samples[0] as Entry["samples"][number]),
        value,
      }));
      outbox.append({ ...kept, samples: [...kept.samples, ...odd] });
      const batch = outbox.take();
      expect(JSON.parse(batch?.samples ?? "")).toEqual(kept.samples);
      expect(batch?.count).toBe(3);
      expect(outbox.dropped).toMatchObject({ full: 0, too_big: 0, refused: 0, not_finite: 3 });
      outbox.close();
    });

    it("drains the backlog at the configured rate while live data goes out at once", () => {
      let now = 0;
      const outbox = open({ backfillPerSecond: 30, batchBytes: 100_000, now: () => now });
      for (let i = 0; i < 100; i++) outbox.append(entry(i)); // 300 samples of backlog
      outbox.resume(); // a new connection: all of the above is backlog
      outbox.append(entry(1000)); // live
      const first = outbox.take();
      const second = outbox.take();
      expect([first?.backlog, second?.backlog].sort()).toEqual([false, true]);
      const backlogBatch = first?.backlog ? first : second;
      expect(backlogBatch?.count).toBeLessThanOrEqual(30);
      expect(stamps(backlogBatch)[0]).toBe(0); // oldest first
      expect(outbox.take()).toBeUndefined(); // the bucket is empty until time passes
      outbox.append(entry(1001));
      expect(stamps(outbox.take())).toEqual([1001]); // live is not held back by the backlog
      now += 1000;
      expect(outbox.take()?.count).toBeLessThanOrEqual(30);
      outbox.close();
    });

    it("sends a backlog entry larger than a second's rate once the bucket is full, then waits it off", () => {
      let now = 0;
      const outbox = open({ backfillPerSecond: 10, batchBytes: 100_000, now: () => now });
      outbox.append(entry(1, 24)); // 25 samples in one entry, more than 10 a second allows
      outbox.append(entry(2, 0));
      outbox.resume();
      const big = outbox.take();
      expect(big?.backlog).toBe(true);
      expect(stamps(big)).toEqual([1]);
      if (big) outbox.ack(big.seq);
      // 25 samples at 10 a second: the next waits until the debt is paid back.
      expect(outbox.take()).toBeUndefined();
      now += 1000;
      expect(outbox.take()).toBeUndefined();
      now += 1600;
      expect(stamps(outbox.take())).toEqual([2]);
      outbox.close();
    });
  });
}

describe("outbox file", () => {
  it("keeps unsent data, seq and the dropped count across a restart", () => {
    const path = join(dir.path, "restart.db");
    const before = new Outbox({ path, maxBytes: 4000, batchBytes: 500 });
    for (let i = 0; i < 60; i++) before.append(entry(i));
    const dropped = before.droppedSamples;
    expect(dropped).toBeGreaterThan(0);
    const sent = before.take();
    before.close();

    const after = new Outbox({ path, maxBytes: 4000, batchBytes: 500 });
    expect(after.droppedSamples).toBe(dropped);
    after.resume();
    const again = after.take();
    expect(again?.seq).toBe(sent?.seq);
    expect(again?.results).toBe(sent?.results);
    after.ack(again?.seq ?? 0);
    const next = after.take();
    expect(next?.seq).toBe((sent?.seq ?? 0) + 1);
    after.close();
  });
});

describe("outbox with a write delay", () => {
  it("writes the appends of the delay as one row, before take() and at close, and says when", async () => {
    const path = join(dir.path, "delayed.db");
    const written: number[] = [];
    const rowsIn = (file: string) => {
      const db = new Database(file, { readonly: true });
      const rows = db.prepare("SELECT count(*) FROM entries").pluck().get();
      db.close();
      return rows;
    };
    const outbox = new Outbox({
      path,
      maxBytes: 10_000_000,
      writeDelayMs: 200,
      onWritten: (e) => written.push(e.results[0]?.ts ?? 0),
    });
    for (let i = 0; i < 5; i++) outbox.append(entry(i));
    expect(outbox.size).toBe(15);
    expect(written).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(written).toEqual([0, 1, 2, 3, 4]);

    // take() never waits for the delay: what was appended goes out in order.
    outbox.append(entry(5));
    expect(stamps(outbox.take())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(written).toEqual([0, 1, 2, 3, 4, 5]);

    // Held entries are written when the outbox closes, so a restart finds them.
    outbox.append(entry(6));
    outbox.close();
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Seven entries in three rows: the five of the delay, the one take() wrote, the one of close().
    // (Read once the outbox is closed: while open, the file is locked to its agent.)
    expect(rowsIn(path)).toBe(3);
    const after = new Outbox({ path, maxBytes: 10_000_000 });
    after.resume();
    expect(drainAll(after).flatMap(stamps)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    after.close();
  });
});
