// Which agents the fleet view calls older than the collector: versions compared part by part.
import { describe, expect, it } from "vitest";
import { olderVersion } from "../../../collector/fleet/fleet-view.js";

describe("olderVersion", () => {
  it.each([
    ["0.9.3", "0.10.0", true],
    ["0.10.0", "0.9.3", false],
    ["0.1.0", "0.1.0", false],
    ["0.1", "0.1.1", true],
    ["1.0.0", "0.99.0", false],
    ["unknown", "0.1.0", false],
  ])("%s older than %s: %s", (version, than, older) => {
    expect(olderVersion(version, than)).toBe(older);
  });
});
