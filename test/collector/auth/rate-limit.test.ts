// Token buckets and the per-address limiter: refill, debt, bounded memory, IPv6 by /64.
import { describe, expect, it } from "vitest";
import { AddressLimiter, addressKey, TokenBucket } from "../../../collector/auth/rate-limit.js";

describe("TokenBucket", () => {
  it("lends a burst, refills at its rate, and says how long to wait", () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([2, 1, 0, -1]);
    expect(bucket.waitMs(0)).toBe(1000);
    expect(bucket.level(500)).toBeCloseTo(0);
    expect(bucket.level(10_000)).toBe(3);
  });
});

describe("AddressLimiter", () => {
  it("holds back an address after its failures, and only that one", () => {
    const limiter = new AddressLimiter(2);
    limiter.fail("a", 0);
    expect(limiter.retryAfterMs("a", 0)).toBe(0);
    limiter.fail("a", 0);
    expect(limiter.retryAfterMs("a", 0)).toBe(30_000);
    expect(limiter.retryAfterMs("b", 0)).toBe(0);
    expect(limiter.retryAfterMs("a", 30_000)).toBe(0);
    expect([limiter.shouldReport("a", 0), limiter.shouldReport("a", 1000)]).toEqual([true, false]);
  });

  it("keeps at most maxKeys addresses", () => {
    const limiter = new AddressLimiter(10, 100);
    for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`, i);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});

describe("addressKey", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::9", "2001:db8:1:2::/64"],
    ["2001:0db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    [undefined, "unknown"],
  ])("%s → %s", (remote, key) => {
    expect(addressKey(remote)).toBe(key);
  });
});
