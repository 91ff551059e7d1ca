// What probes keep open between runs: shared per key, a few per key at most, all closed at stop.
import { describe, expect, it } from "vitest";
import { KeptPool } from "../../agent/keeper.js";

function thing(name: string, closed: string[]) {
  return { name, close: () => void closed.push(name) };
}

describe("kept pool", () => {
  it("hands back what was put under the same key only, and closes what is over its limit a key", () => {
    const closed: string[] = [];
    const pool = new KeptPool(4);
    for (const n of ["a1", "a2", "a3", "a4", "a5"]) pool.put("a", thing(n, closed));
    pool.put("b", thing("b1", closed));
    expect(closed).toEqual(["a5"]);
    expect(pool.take("c")).toBeUndefined();
    expect((pool.take("b") as unknown as { name: string }).name).toBe("b1");
    expect(pool.take("b")).toBeUndefined();
    expect((pool.take("a") as unknown as { name: string }).name).toBe("a4");
  });

  it("closes everything kept, and what is put back after", async () => {
    const closed: string[] = [];
    const pool = new KeptPool(4);
    pool.put("a", thing("a1", closed));
    pool.put("b", thing("b1", closed));
    const taken = pool.take("a");
    await pool.close();
    expect(closed).toEqual(["b1"]);
    if (taken) pool.put("a", taken);
    expect(closed).toEqual(["b1", "a1"]);
    expect(pool.take("b")).toBeUndefined();
  });
});
