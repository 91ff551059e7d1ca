// The token bucket both programs use: burst, refill, debt, and waits for one token or several.
import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../shared/token-bucket.js";

describe("TokenBucket", () => {
  it("lends a burst, refills at its rate, and says how long to wait", () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([2, 1, 0, -1]);
    expect(bucket.waitMs(0)).toBe(1000);
    expect(bucket.level(500)).toBeCloseTo(0);
    expect(bucket.level(10_000)).toBe(3);
  });

  it("takes and waits for several tokens at once, never holding more than its capacity", () => {
    const bucket = new TokenBucket(30, 30, 1000);
    expect(bucket.take(1000, 25)).toBe(5);
    expect(bucket.waitMs(1000, 20)).toBe(500);
    expect(bucket.waitMs(1500, 20)).toBe(0);
    expect(bucket.level(60_000)).toBe(30);
  });
});
