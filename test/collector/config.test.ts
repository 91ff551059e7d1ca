// collector.yaml's retention and incident settings: defaults from the schema, errors naming the field.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../collector/config.js";
import { tempDir } from "../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

function load(body: string) {
  const file = join(dir.path, "collector.yaml");
  writeFileSync(file, body);
  return loadCollectorConfig(file);
}

const DAY = 86_400_000;

describe("collector.yaml retention and incidents", () => {
  it("defaults to 7 days raw, 90 days of 5-minute and 2 years of hourly rollups", () => {
    const config = load("units: []\n");
    expect(config.retention).toEqual({ raw: 7 * DAY, fiveMinute: 90 * DAY, hourly: 730 * DAY });
    expect(config.incidents).toEqual({ openAfter: 2, closeAfter: 2, silentAfter: 300_000 });
  });

  it("takes years and days", () => {
    const config = load('retention: { raw: "14d", fiveMinute: "1y", hourly: "5y" }\n');
    expect(config.retention).toEqual({
      raw: 14 * DAY,
      fiveMinute: 365 * DAY,
      hourly: 5 * 365 * DAY,
    });
  });

  it.each([
    ['retention: { raw: "30d", fiveMinute: "7d" }\n', "retention.fiveMinute: must be at least raw"],
    ['retention: { hourly: "30d" }\n', "retention.hourly: must be at least fiveMinute"],
    ['retention: { raw: "12h" }\n', 'retention.raw: duration "12h" is out of range 1d..10y'],
    ["retention: { rawDays: 7 }\n", 'retention: unknown key "rawDays"'],
    ["incidents: { openAfter: 0 }\n", "incidents.openAfter: Too small: expected number to be >=1"],
    [
      'incidents: { silentAfter: "1s" }\n',
      'incidents.silentAfter: duration "1s" is out of range 10s..366d',
    ],
  ])("refuses %j naming the field", (body, message) => {
    expect(() => load(body)).toThrow(`${join(dir.path, "collector.yaml")}: ${message}`);
  });
});
