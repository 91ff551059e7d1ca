// The buffer file at start: one outbox per file (a second is refused, naming the file and the holder),
// and a corrupt file moved aside with what can be read of it salvaged into a fresh one, the loss
// counted and logged.
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Entry, Outbox, type PendingBatch } from "../../../agent/outbox/outbox.js";
import { ConfigError } from "../../../shared/errors.js";
import { createLogger } from "../../../shared/log.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir("giamsat-buffer-file-");
afterAll(() => dir.remove());

function entry(ts: number): Entry {
  return {
    results: [{ check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.001 }],
    samples: Array.from({ length: 20 }, (_, i) => ({
      metric: "giamsat_ping_rtt_seconds",
      labels: { check: "gw", n: `${i}-${"x".repeat(40)}` },
      ts,
      value: Math.sin(ts + i),
    })),
    inventory: [],
  };
}

function stamps(batch: PendingBatch): number[] {
  return (JSON.parse(batch.results) as { ts: number }[]).map((r) => r.ts);
}

/** A logger writing JSON lines into an array, to read what the outbox said. */
function capture(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger("test", {
    destination: {
      write: (text: string) => {
        lines.push(JSON.parse(text) as Record<string, unknown>);
        return true;
      },
    } as unknown as NodeJS.WritableStream,
  });
  return { log, lines };
}

describe("the buffer file's lock", () => {
  it("refuses a second outbox on the same file, naming the file and the process holding it", () => {
    const path = join(dir.path, "locked.db");
    const first = new Outbox({ path, maxBytes: 1e7 });
    let refused: unknown;
    try {
      new Outbox({ path, maxBytes: 1e7 }).close();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `^buffer\\.path: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another giamsat agent \\(PID ${process.pid}, started .+\\): stop that agent, or give this one its own buffer\\.path`,
      ),
    );
    first.close();
    // Released with the first: a new outbox opens it and finds nothing left behind.
    const again = new Outbox({ path, maxBytes: 1e7 });
    again.close();
  });
});

describe("a corrupt buffer file", () => {
  it("that is not a database is moved aside, and a fresh file counts one corrupt file", () => {
    const path = join(dir.path, "garbage.db");
    writeFileSync(path, "this is not an SQLite file, whatever its name says\n".repeat(100));
    const { log, lines } = capture();
    const outbox = new Outbox({ path, maxBytes: 1e7, log });
    expect(outbox.corruptFiles).toBe(1);
    expect(outbox.size).toBe(0);
    const moved = readdirSync(dir.path).filter((f) => f.startsWith("garbage.db.corrupt-"));
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatch(/^garbage\.db\.corrupt-\d{8}T\d{6}Z$/);
    const said = lines.find((line) => String(line.msg).startsWith("the buffer file was corrupt"));
    expect(said).toMatchObject({ level: "error", file: path, lostSamples: "unknown" });
    // It works: entries go in and out.
    outbox.append(entry(1));
    expect(outbox.take()?.count).toBe(22);
    outbox.close();
    // The count stays with the file across restarts, so the collector hears of it.
    const reopened = new Outbox({ path, maxBytes: 1e7 });
    expect(reopened.corruptFiles).toBe(1);
    reopened.close();
  });

  it("damaged in the middle keeps the rows before and after the damage, and counts the loss", () => {
    const path = join(dir.path, "damaged.db");
    const before = new Outbox({ path, maxBytes: 1e9 });
    const total = 300;
    for (let i = 0; i < total; i++) before.append(entry(1000 + i));
    const sent = before.take(); // a batch in flight keeps its seq in the fresh file
    before.close();
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(30 * 4096);
    // Overwrite ten pages in the middle of the file with noise.
    const fd = openSync(path, "r+");
    const noise = Buffer.alloc(10 * 4096, 0xa5);
    writeSync(fd, noise, 0, noise.length, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);

    const { log, lines } = capture();
    const after = new Outbox({ path, maxBytes: 1e9, log });
    expect(after.corruptFiles).toBe(1);
    const lost = after.dropped.corrupt;
    expect(lost).toBeGreaterThan(0);
    // Every sample is either still here or counted as lost.
    expect(after.size + lost).toBe(total * 22);
    const said = lines.find((line) => String(line.msg).startsWith("the buffer file was corrupt"));
    expect(said).toMatchObject({ lostSamples: lost, salvagedSamples: after.size });

    after.resume();
    const batches: PendingBatch[] = [];
    for (let b = after.take(); b; b = after.take()) {
      batches.push(b);
      after.ack(b.seq);
    }
    expect(batches[0]?.seq).toBe(sent?.seq);
    const kept = batches.flatMap(stamps);
    // Oldest and newest rows both survived, in order, with a hole where the damage was.
    expect(kept[0]).toBe(1000);
    expect(kept[kept.length - 1]).toBe(1000 + total - 1);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.length).toBeLessThan(total);
    after.close();
  });
});
