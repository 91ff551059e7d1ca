// runCapped: output kept up to a cap in whole lines, missing programs reported, stopped on abort.
import { describe, expect, it } from "vitest";
import { runCapped } from "../../../agent/probes/command.js";
import { peer } from "../../helpers/peers.js";

describe("runCapped", () => {
  it("keeps whole lines up to the cap and stops the program", async (ctx) => {
    const seq = peer("seq");
    if (!seq) return ctx.skip();
    const started = performance.now();
    const output = await runCapped(seq, ["1", "100000000"], { maxBytes: 1000 });
    expect(output.truncated).toBe(true);
    expect(output.stdout.length).toBeLessThanOrEqual(1000);
    expect(output.stdout.endsWith("\n")).toBe(true);
    const lines = output.stdout.trimEnd().split("\n");
    expect(lines).toEqual(lines.map((_, i) => String(i + 1)));
    // Printing 100 million numbers takes far longer than this: the program was stopped.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("returns the whole output and the exit code when it fits", async (ctx) => {
    const seq = peer("seq");
    if (!seq) return ctx.skip();
    expect(await runCapped(seq, ["3"], { maxBytes: 1000 })).toEqual({
      stdout: "1\n2\n3\n",
      exitCode: 0,
      truncated: false,
    });
  });

  it("rejects with ENOENT for a program that is not installed", async () => {
    await expect(
      runCapped("giamsat-no-such-program", [], { maxBytes: 1000 }),
    ).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("stops the program when the signal fires", async (ctx) => {
    const sleep = peer("sleep");
    if (!sleep) return ctx.skip();
    const started = performance.now();
    await expect(
      runCapped(sleep, ["30"], { maxBytes: 1000, signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
