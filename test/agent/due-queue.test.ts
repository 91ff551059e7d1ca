// The scheduler's one timer: entries fire in the order they are due, each once per push.
import { describe, expect, it } from "vitest";
import { DueQueue } from "../../agent/due-queue.js";

describe("due queue", () => {
  it("fires entries in the order they are due, an earlier push moving the one timer", async () => {
    const fired: string[] = [];
    const queue = new DueQueue<{ name: string; at: number }>((entry) => fired.push(entry.name));
    const now = Date.now();
    const offsets = [90, 30, 60, 0, 120, 45, 15, 75, 105, 150];
    for (const [i, offset] of offsets.entries()) queue.push({ name: `c${i}`, at: now + offset });
    queue.push({ name: "late", at: now + 140 });
    queue.push({ name: "soon", at: now + 5 });
    await new Promise((r) => setTimeout(r, 250));
    expect(fired).toEqual([
      "c3",
      "soon",
      "c6",
      "c1",
      "c5",
      "c2",
      "c7",
      "c0",
      "c8",
      "c4",
      "late",
      "c9",
    ]);
  });

  it("a pushed-back entry fires again; clear() stops everything", async () => {
    let runs = 0;
    const queue: DueQueue<{ at: number }> = new DueQueue((entry) => {
      runs++;
      entry.at += 20;
      queue.push(entry);
    });
    queue.push({ at: Date.now() });
    await new Promise((r) => setTimeout(r, 110));
    queue.clear();
    const seen = runs;
    expect(seen).toBeGreaterThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toBe(seen);
  });
});
