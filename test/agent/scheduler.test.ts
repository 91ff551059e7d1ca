// The scheduler: timeouts that stop the work, thrown errors reported as data, a cap on concurrency.
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Probe } from "../../agent/probes/probe.js";
import { type RunOutput, Scheduler } from "../../agent/scheduler.js";
import type { CheckBase } from "../../shared/config/agent.js";
import { silentLogger } from "../../shared/log.js";

function check(name: string, kind: string, extra: Partial<CheckBase> = {}): CheckBase {
  return { name, category: "lan", kind, interval: 60_000, timeout: 200, ...extra };
}

function probe(kind: string, run: Probe["run"]): [string, Probe] {
  return [kind, { kind, schema: z.any(), run }];
}

const probes = new Map<string, Probe>([
  probe("ok", async () => ({
    up: true,
    samples: [{ metric: "giamsat_x", labels: { port: "1" }, value: 2 }],
  })),
  probe("down", async () => ({ up: false, reason: "refused", message: "connection refused" })),
  probe("throws", async () => {
    throw new Error("bug in probe");
  }),
  probe(
    "hangs",
    (_check, ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))),
      ),
  ),
  probe(
    "slow",
    (_check, ctx) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ up: true }), 150);
        ctx.signal.addEventListener("abort", () => clearTimeout(timer));
      }),
  ),
]);

function scheduler(checks: CheckBase[], sink: (o: RunOutput) => void = () => {}, concurrency = 4) {
  return new Scheduler({ checks, probes, concurrency, log: silentLogger(), sink, maxJitterMs: 1 });
}

describe("scheduler", () => {
  it("labels samples with the check and timestamps them at the start of the run", async () => {
    const before = Date.now();
    const out = await scheduler([]).runOnce(check("gw", "ok"));
    expect(out.result).toMatchObject({ check: "gw", category: "lan", kind: "ok", up: true });
    expect(out.result.ts).toBeGreaterThanOrEqual(before);
    expect(out.samples).toEqual([
      {
        metric: "giamsat_x",
        labels: { port: "1", check: "gw", category: "lan", kind: "ok" },
        ts: out.result.ts,
        value: 2,
      },
    ]);
  });

  it("reports a down target as a result with its reason", async () => {
    const out = await scheduler([]).runOnce(check("mail", "down"));
    expect(out.result).toMatchObject({
      up: false,
      reason: "refused",
      message: "connection refused",
    });
  });

  it("turns a thrown error into up=0 reason=error and counts it", async () => {
    const s = scheduler([]);
    const out = await s.runOnce(check("buggy", "throws"));
    await s.runOnce(check("buggy", "throws"));
    expect(out.result).toMatchObject({ up: false, reason: "error", message: "bug in probe" });
    expect(s.errors.get("buggy")).toBe(2);
  });

  it("stops a hung check at its timeout and reports reason=timeout", async () => {
    const started = performance.now();
    const out = await scheduler([]).runOnce(check("stuck", "hangs", { timeout: 200 }));
    const took = performance.now() - started;
    expect(out.result).toMatchObject({
      up: false,
      reason: "timeout",
      message: "no answer within 200 ms",
    });
    expect(took).toBeGreaterThanOrEqual(190);
    expect(out.result.duration).toBeGreaterThanOrEqual(0.19);
  });

  it("hands each run a signal without listeners left by earlier runs, and still aborts it at the timeout", async () => {
    const signals: AbortSignal[] = [];
    const leaky = new Map([
      ...probes,
      // Leaves a listener on its signal; the next run must not inherit it.
      probe("leaky", async (_check, ctx) => {
        signals.push(ctx.signal);
        ctx.signal.addEventListener("abort", () => {});
        return { up: true };
      }),
      probe("clean", async (_check, ctx) => {
        signals.push(ctx.signal);
        return { up: true };
      }),
    ]);
    const s = new Scheduler({
      checks: [],
      probes: leaky,
      concurrency: 1,
      log: silentLogger(),
      sink: () => {},
    });
    for (let i = 0; i < 3; i++) await s.runOnce(check("l", "leaky"));
    expect(new Set(signals).size).toBe(3);
    expect(signals.map((signal) => getEventListeners(signal, "abort").length)).toEqual([1, 1, 1]);
    signals.length = 0;
    for (let i = 0; i < 3; i++) await s.runOnce(check("c", "clean"));
    expect(
      signals.every((signal) => !signal.aborted && getEventListeners(signal, "abort").length === 0),
    ).toBe(true);
    const out = await s.runOnce(check("c", "hangs", { timeout: 50 }));
    expect(out.result.reason).toBe("timeout");
  });

  it("keeps running fast checks on their interval while another hangs", async () => {
    const outputs: RunOutput[] = [];
    const s = scheduler(
      [
        check("stuck", "hangs", { interval: 1000, timeout: 900 }),
        check("fast", "ok", { interval: 1000 }),
      ],
      (o) => outputs.push(o),
    );
    s.start();
    await new Promise((r) => setTimeout(r, 2300));
    await s.stop();
    const fast = outputs.filter((o) => o.result.check === "fast");
    expect(fast.length).toBeGreaterThanOrEqual(2);
    expect(
      outputs.filter((o) => o.result.check === "stuck").every((o) => o.result.reason === "timeout"),
    ).toBe(true);
  });

  it("asks for an inventory as often as the probe says, and never of probes without one", async () => {
    const reporting: Probe = {
      kind: "inv",
      schema: z.any(),
      inventoryInterval: () => 60_000,
      run: async (_check, ctx) => ({
        up: true,
        ...(ctx.inventoryDue ? { inventory: { n: 1 } } : {}),
      }),
    };
    const asked: boolean[] = [];
    const silent: Probe = {
      kind: "plain",
      schema: z.any(),
      run: async (_check, ctx) => {
        asked.push(ctx.inventoryDue);
        return { up: true };
      },
    };
    const s = new Scheduler({
      checks: [],
      probes: new Map([
        ["inv", reporting],
        ["plain", silent],
      ]),
      concurrency: 1,
      log: silentLogger(),
      sink: () => {},
    });
    const first = await s.runOnce(check("i", "inv"));
    const second = await s.runOnce(check("i", "inv"));
    expect(first.inventory).toEqual([
      { check: "i", kind: "inv", ts: first.result.ts, data: { n: 1 } },
    ]);
    expect(second.inventory).toEqual([]);
    await s.runOnce(check("p", "plain"));
    expect(asked).toEqual([false]);
    await s.stop();
  });

  it("never runs more checks at once than the cap", async () => {
    let running = 0;
    let most = 0;
    const counting = new Map(probes);
    counting.set("count", {
      kind: "count",
      schema: z.any(),
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        return { up: true };
      },
    });
    const outputs: RunOutput[] = [];
    const s = new Scheduler({
      checks: Array.from({ length: 10 }, (_, i) => check(`c${i}`, "count", { interval: 60_000 })),
      probes: counting,
      concurrency: 3,
      log: silentLogger(),
      sink: (o) => outputs.push(o),
      maxJitterMs: 1,
    });
    s.start();
    // The first runs wait for the next whole second of the clock.
    await new Promise((r) => setTimeout(r, 1400));
    await s.stop();
    expect(outputs).toHaveLength(10);
    expect(most).toBe(3);
  });

  it("starts checks on a one-second grid, so checks due in one second start together", async () => {
    const outputs: RunOutput[] = [];
    // A fixed sequence: the first number places the agent's grid 700 ms into the second.
    let seed = 7;
    const numbers = [0.7];
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return numbers.shift() ?? seed / 2_147_483_647;
    };
    const s = new Scheduler({
      checks: Array.from({ length: 12 }, (_, i) => check(`c${i}`, "ok", { interval: 2000 })),
      probes,
      concurrency: 16,
      log: silentLogger(),
      sink: (o) => outputs.push(o),
      maxJitterMs: 2000,
      random,
    });
    const started = Date.now();
    s.start();
    await new Promise((r) => setTimeout(r, 4600));
    await s.stop();
    // Every check ran twice (on one of two seconds after its jitter), each run at a second's start.
    const runs = outputs.map((o) => o.result);
    for (let i = 0; i < 12; i++) {
      expect(runs.filter((r) => r.check === `c${i}`).length).toBeGreaterThanOrEqual(2);
    }
    const seconds = new Set(runs.map((r) => Math.floor((r.ts - 700) / 1000)));
    expect(seconds.size).toBeLessThanOrEqual(5);
    expect(seconds.size).toBeLessThan(runs.length / 2);
    for (const run of runs) {
      expect(run.ts).toBeGreaterThan(started);
      // 700 ms into a second, late by what a busy machine's timers may be late, not by up to 1 s.
      expect((run.ts - 700) % 1000).toBeLessThan(300);
    }
  });
});
