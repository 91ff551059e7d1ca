import { describe, expect, it } from "vitest";
import { duration, formatDuration, parseDuration } from "../../shared/duration.js";

describe("durations", () => {
  it("parses the units people write", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("24h")).toBe(86_400_000);
    expect(parseDuration("7d")).toBe(604_800_000);
  });

  it("parses units written together, largest first", () => {
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2h45m30s500ms")).toBe(9_930_500);
    expect(parseDuration("1d12h")).toBe(129_600_000);
    for (const text of ["30s1m", "1m1m", "1m 30s", "1m30", "m30s"]) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });

  it("refuses what is not a duration", () => {
    for (const text of ["5 minutes", "30", "s", "-5s", "5S", "1e3s", ""]) {
      expect(parseDuration(text), text).toBeUndefined();
    }
  });

  it("names the bad value and the range in schema errors", () => {
    const bad = duration().safeParse("5 minutes");
    expect(bad.error?.issues[0]?.message).toBe(
      'invalid duration "5 minutes" (write 5m; durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    );
    expect(duration().safeParse("90 giây").error?.issues[0]?.message).toBe(
      'invalid duration "90 giây" (write 90s; durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    );
    expect(duration().safeParse("soon").error?.issues[0]?.message).toBe(
      'invalid duration "soon" (durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    );
    const small = duration({ min: 1000 }).safeParse("10ms");
    expect(small.error?.issues[0]?.message).toBe('duration "10ms" is out of range 1s..366d');
  });

  it("formats back to the shortest unit", () => {
    expect(formatDuration(86_400_000)).toBe("1d");
    expect(formatDuration(90_000)).toBe("90s");
    expect(formatDuration(250)).toBe("250ms");
  });
});
