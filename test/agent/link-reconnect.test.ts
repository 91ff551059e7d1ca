// When the link tries again: backoff bounds, and the slow retries after a refused token or revocation.
import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  REVOKED_RETRY_MS,
  ReconnectPolicy,
  TOKEN_RETRY_MS,
} from "../../agent/link-reconnect.js";

describe("reconnecting", () => {
  it("backs off exponentially with full jitter, within bounds", () => {
    expect(backoffDelay(0, 1000, 60_000, () => 0)).toBe(1000);
    expect(backoffDelay(0, 1000, 60_000, () => 0.999999)).toBe(1000);
    expect(backoffDelay(3, 1000, 60_000, () => 0.999999)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 0.999999)).toBe(60_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5, 1000, 60_000)));
    expect(spread.size).toBeGreaterThan(20);
  });

  it("waits minutes after a refused token or a revocation, and starts over once reset", () => {
    const policy = new ReconnectPolicy(1000, 1000);
    expect(policy.next()).toEqual({ delayMs: 1000, attempt: 1 });
    policy.tokenRefused();
    expect(policy.next()).toEqual({ delayMs: TOKEN_RETRY_MS, attempt: 2, slow: "token" });
    policy.agentRevoked();
    // A revocation is not downgraded by a later refusal of the same token.
    policy.tokenRefused();
    expect(policy.revoked).toBe(true);
    expect(policy.next()).toEqual({ delayMs: REVOKED_RETRY_MS, attempt: 3, slow: "revoked" });
    policy.reset();
    expect(policy.revoked).toBe(false);
    expect(policy.next()).toEqual({ delayMs: 1000, attempt: 1 });
  });
});
