// The pacer that keeps discovery to the operator's rate: turns come one gap apart, and a stalled
// event loop (a busy machine) does not make the turns that fell due meanwhile go out together.
import { describe, expect, it } from "vitest";
import { Pacer } from "../../../agent/discovery/pacer.js";

/** Blocks the event loop for `ms`, as a long synchronous task on a loaded machine does. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

/**
 * The gaps between the times the pacer granted turns. Those, not the times the awaiting code
 * resumed, are what the pacer promises: on a loaded machine the process may be paused between a
 * grant and its continuation, which shortens the next gap as seen from the continuations alone.
 */
function gapsBetween(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

describe("the pacer", () => {
  it("grants turns one gap apart", async () => {
    const pacer = new Pacer(50); // 20 ms apart
    const signal = new AbortController().signal;
    const times = await Promise.all(Array.from({ length: 6 }, () => pacer.turn(signal)));
    for (const gap of gapsBetween(times)) expect(gap).toBeGreaterThanOrEqual(20);
  });

  it("keeps the gap after the event loop stalled, instead of granting what fell due at once", async () => {
    const pacer = new Pacer(50);
    const signal = new AbortController().signal;
    await pacer.turn(signal);
    const turns = Array.from({ length: 9 }, () => pacer.turn(signal));
    // Eight of them fall due during the stall.
    stall(160);
    const granted = await Promise.all(turns);
    expect(Math.min(...gapsBetween(granted))).toBeGreaterThanOrEqual(20);
  });

  it("counts a request that may be retried as two packets", async () => {
    const pacer = new Pacer(50);
    const signal = new AbortController().signal;
    const started = performance.now();
    await pacer.turn(signal, 2);
    await pacer.turn(signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it("stops waiting when the run is interrupted", async () => {
    const pacer = new Pacer(1);
    const controller = new AbortController();
    await pacer.turn(controller.signal);
    const waiting = pacer.turn(controller.signal);
    controller.abort(new Error("interrupted: the agent stopped"));
    await expect(waiting).rejects.toThrow("interrupted: the agent stopped");
  });
});
