// The outbox on a small tmpfs it fills itself: past the disk's end, entries are held in memory and
// sent from there; past the memory allowance the oldest held are dropped and counted; once space
// returns, the file takes writes again and the backlog from before goes out. Nothing else is lost.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DISK_RETRY_MS } from "../../../agent/outbox/disk.js";
import { type Entry, Outbox, type PendingBatch } from "../../../agent/outbox/outbox.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";

const mount = peer("mount");
const umount = peer("umount");
const root = process.getuid?.() === 0;
const dir = tempDir("giamsat-outbox-full-");
const disk = join(dir.path, "disk");
let mounted = false;

function entry(ts: number): Entry {
  return {
    results: [{ check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.001 }],
    samples: Array.from({ length: 10 }, (_, i) => ({
      metric: "giamsat_ping_rtt_seconds",
      labels: { check: "gw", n: String(i) },
      ts,
      // Values that do not compress away, so rows take real space.
      value: Math.sin(ts * 7 + i),
    })),
    inventory: [],
  };
}

const stampsOf = (batch: PendingBatch) =>
  (JSON.parse(batch.results) as { ts: number }[]).map((r) => r.ts);

describe.skipIf(!root || !mount || !umount)("outbox on a disk that fills up", () => {
  beforeAll(() => {
    mkdirSync(disk);
    execFileSync(mount as string, ["-t", "tmpfs", "-o", "size=256k", "tmpfs", disk]);
    mounted = true;
  });
  afterAll(() => {
    if (mounted) execFileSync(umount as string, ["-l", disk]);
    dir.remove();
  });

  it("holds, drops the oldest held, sends, and writes to the file again once there is room", async () => {
    const room = join(disk, "room");
    writeFileSync(room, Buffer.alloc(64 * 1024, 1)); // freed later: the space that returns
    const dropped: number[] = [];
    const outbox = new Outbox({
      path: join(disk, "buffer.db"),
      maxBytes: 1e9,
      memoryBytes: 8 * 1024,
      onDropped: (e, reason) => {
        expect(reason).toBe("disk_full");
        dropped.push(e.results[0]?.ts ?? 0);
      },
    });
    let ts = 0;
    while (!outbox.health.disk && ts < 100_000) outbox.append(entry(++ts));
    expect(outbox.health.disk).toBeDefined();
    const firstHeld = ts; // the entry whose write failed is held in memory
    for (let i = 0; i < 300; i++) outbox.append(entry(++ts));
    const last = ts;

    // The oldest held went first: what was dropped is a run from the first held on.
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped).toEqual(Array.from({ length: dropped.length }, (_, i) => firstHeld + i));
    expect(outbox.dropped.disk_full).toBe(dropped.length * 12);
    const held = outbox.health.heldInMemorySamples / 12;
    expect(held).toBe(last - firstHeld + 1 - dropped.length);

    // Sent while the disk is still full: the held entries, newest data first, in order.
    outbox.resume();
    const sent: number[] = [];
    for (let batch = outbox.take(); batch; batch = outbox.take()) {
      sent.push(...stampsOf(batch));
      outbox.ack(batch.seq);
    }
    expect(sent).toEqual(Array.from({ length: held }, (_, i) => last - held + 1 + i));

    // Room again: within a retry the file takes writes, and the backlog from before goes out.
    rmSync(room);
    await new Promise((r) => setTimeout(r, DISK_RETRY_MS + 1000));
    expect(outbox.health.disk).toBeUndefined();
    outbox.append(entry(++ts));
    outbox.resume();
    const after: number[] = [];
    for (let batch = outbox.take(); batch; batch = outbox.take()) {
      after.push(...stampsOf(batch));
      outbox.ack(batch.seq);
    }
    // Everything before the disk filled, and the one appended since: nothing else lost.
    expect([...after].sort((a, b) => a - b)).toEqual([
      ...Array.from({ length: firstHeld - 1 }, (_, i) => i + 1),
      ts,
    ]);
    expect(outbox.size).toBe(0);
    outbox.close();
  }, 30_000);
});
