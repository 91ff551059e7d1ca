// Nesting depth of a JSON text, found without parsing it; brackets inside strings do not count.
import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../../collector/agents/json-depth.js";

const deeper = (text: string, max: number) => nestsDeeperThan(Buffer.from(text), max);

describe("nestsDeeperThan", () => {
  it("counts arrays and objects", () => {
    expect(deeper('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(deeper('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(deeper("[".repeat(100_000), 32)).toBe(true);
  });

  it("ignores brackets in strings, also after escaped quotes", () => {
    expect(deeper('["[[[[", "\\"[[[[", "\\\\"]', 1)).toBe(false);
    expect(deeper('["\\\\", [[1]]]', 2)).toBe(true);
  });
});
