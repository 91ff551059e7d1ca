// The API and the availability gauges through a running collector: JSON over HTTP, 400s naming the
// parameter, and giamsat_unit_availability_ratio on /metrics right after a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchStore } from "../../../../collector/agents/batch-store.js";
import { type TestCollector, testCollector } from "../../../helpers/collector.js";
import { find, scrape } from "../../../helpers/metrics.js";
import { eventually } from "../../../helpers/processes.js";

const MIN = 60_000;
let collector: TestCollector;

beforeAll(async () => {
  // 49 minutes of results written before the collector starts, as if it had been restarted:
  // the gateway always up, the portal down for 10 of them.
  const base = Math.floor(Date.now() / 30_000) * 30_000 - 50 * MIN;
  collector = await testCollector(
    { web: { auth: false } },
    {
      seed: (db, agents) => {
        const { agent } = agents.enroll("unit-a", "pc-01", base);
        const samples = new BatchStore(db);
        for (let k = 0; k < 98; k++) {
          const ts = base + k * 30_000;
          const portalUp = k < 40 || k >= 60;
          samples.write(
            agent,
            {
              type: "batch",
              v: 1,
              seq: k + 1,
              sentAt: ts,
              results: [
                { check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.01 },
                {
                  check: "portal",
                  category: "website",
                  kind: "http",
                  ts,
                  up: portalUp,
                  ...(portalUp ? {} : { reason: "status" as const, message: "HTTP 503" }),
                  duration: 0.2,
                },
              ],
              samples: [],
            },
            ts,
          );
        }
      },
    },
  );
});
afterAll(() => collector.stop());

describe("the API over HTTP", () => {
  it("answers JSON with the units and their categories", async () => {
    const response = await fetch(`${collector.url}/api/v1/units?window=1h`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as {
      units: { id: string; categories: Record<string, { state: string; availability: number }> }[];
    };
    const unit = body.units.find((u) => u.id === "unit-a");
    // The last result is 90 s old or more, past twice the 30 s interval: no data now, 100% over the hour.
    expect(unit?.categories.lan).toMatchObject({ state: "no_data", availability: 1 });
    // observed 49.5 min (the last result counts 60 s), down 10 of them
    expect(unit?.categories.website?.availability).toBeCloseTo(39.5 / 49.5, 12);
  });

  it("answers 400 with a JSON error naming the parameter, and 404 for an unknown unit", async () => {
    const bad = await fetch(`${collector.url}/api/v1/incidents?state=closedd`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'state: must be one of "open", "closed", got "closedd"',
    });
    const missing = await fetch(`${collector.url}/api/v1/units/unit-z/checks`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'unit: no unit "unit-z"' });
  });

  it("publishes giamsat_unit_availability_ratio per unit, category and window", async () => {
    const ratio = (category: string, window: string) =>
      eventually(async () => {
        const found = find(await scrape(collector.url), "giamsat_unit_availability_ratio", {
          unit: "unit-a",
          category,
          window,
        });
        return found[0]?.value;
      }, 10_000);
    expect(await ratio("lan", "1h")).toBe(1);
    expect(await ratio("website", "30d")).toBeCloseTo(39.5 / 49.5, 12);
    // Nothing observed: no series rather than a made-up number.
    const metrics = await scrape(collector.url);
    expect(
      find(metrics, "giamsat_unit_availability_ratio", { unit: "unit-a", category: "equipment" }),
    ).toEqual([]);
    expect(find(metrics, "giamsat_unit_availability_ratio", { unit: "unit-b" })).toEqual([]);
  });
});
