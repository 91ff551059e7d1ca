// The JSON API's units, checks and parameter errors on a known morning, against hand-computed
// figures.
import { afterAll, describe, expect, it } from "vitest";
import { morning, NOW } from "../../../helpers/morning.js";
import { vn } from "../../../helpers/store.js";

const MIN = 60_000;
const { store, get } = morning();
afterAll(() => store.close());

describe("GET /api/v1/units", () => {
  it("gives each unit's state now and availability over the window, per category", () => {
    // A time without an offset is Vietnam time.
    const { status, body } = get("/api/v1/units?from=2026-03-02T10:00:00&to=2026-03-02T11:00");
    expect(status).toBe(200);
    expect(body.from).toBe(vn("10:00:00"));
    const [so, hai] = body.units as Record<string, unknown>[];
    expect(hai).toMatchObject({
      id: "quan-hai-chau",
      state: "no_checks",
      availability: null,
      agents: [],
    });
    expect(so).toMatchObject({
      id: "so-tttt",
      name: "Sở Thông tin và Truyền thông",
      leader: { name: "Nguyễn Văn A" },
      state: "up",
      // portal 35 + dc-link 40 + host 60 minutes up, of 45 + 45 + 60 observed less the portal's 5
      // unreachable because dc-link was down; the host covers the hour
      availability: 135 / 145,
      coverage: 1,
      upMs: 135 * MIN,
      downMs: 10 * MIN,
      unreachableMs: 5 * MIN,
      linkMs: 5 * MIN,
      openIncidents: 0,
    });
    const categories = so?.categories as Record<string, Record<string, unknown>>;
    expect(categories.website).toEqual({
      state: "up",
      checks: 1,
      down: 0,
      failing: [],
      cause: null,
      availability: 35 / 40,
      availabilityExcludingLink: 35 / 40,
      coverage: 0.75,
      upMs: 35 * MIN,
      downMs: 5 * MIN,
      unreachableMs: 5 * MIN,
      linkMs: 5 * MIN,
      observedMs: 40 * MIN,
    });
    expect(categories.datacenter).toMatchObject({
      state: "up",
      availability: 40 / 45,
      coverage: 0.75,
    });
    expect(categories.equipment).toMatchObject({ state: "up", availability: 1, coverage: 1 });
    expect(categories.lan).toMatchObject({ state: "no_checks", checks: 0, availability: null });
  });

  it("takes a window ending now", () => {
    const { body } = get("/api/v1/units?window=1h");
    expect([body.from, body.to]).toEqual([NOW - 60 * MIN, NOW]);
  });
});

describe("GET /api/v1/units/{id}/checks", () => {
  it("lists the unit's checks with state, interval and availability", () => {
    const { body } = get(
      "/api/v1/units/so-tttt/checks?from=2026-03-02T10:00:00%2B07:00&to=2026-03-02T11:00:00%2B07:00",
    );
    const checks = body.checks as Record<string, unknown>[];
    expect(checks.map((c) => `${c.category}/${c.check}`)).toEqual([
      "equipment/host",
      "website/portal",
      "datacenter/dc-link",
    ]);
    expect(checks[1]).toMatchObject({
      agent: "pc-01",
      kind: "ping",
      intervalMs: 30_000,
      state: "up",
      lastResult: vn("11:04:30"),
      openIncident: null,
      availability: 35 / 40,
      coverage: 0.75,
      unreachableMs: 5 * MIN,
      linkMs: 5 * MIN,
    });
  });
});

describe("query parameters", () => {
  it.each([
    [
      "/api/v1/units?window=5%20minutes",
      'window: invalid duration "5 minutes" (write 5m; durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    ],
    ["/api/v1/units?window=30s", 'window: duration "30s" is out of range 1m..10y'],
    [
      "/api/v1/units?from=yesterday",
      'from: "yesterday" is not a time (write 2026-11-01, 2026-11-01T08:00:00+07:00 or milliseconds)',
    ],
    ["/api/v1/units?from=2026-03-02T11:00&to=2026-03-02T10:00", "from: must be before to"],
    ["/api/v1/units?window=1h&from=2026-03-02", "window: give either window or from, not both"],
    ["/api/v1/units?foo=1", "foo: unknown parameter (known: window, from, to)"],
    ["/api/v1/units?window=1h&window=2h", "window: given more than once"],
    ["/api/v1/incidents?state=opened", 'state: must be one of "open", "closed", got "opened"'],
    ["/api/v1/incidents?unit=nope", 'unit: no unit "nope"'],
    ["/api/v1/incidents?limit=0", "limit: must be a whole number from 1 to 1000"],
    [
      "/api/v1/incidents?category=web",
      'category: must be one of "lan", "equipment", "online_app", "shared_software", "website", "datacenter", got "web"',
    ],
    ["/api/v1/units/so-tttt/summary", "period: is required"],
    [
      "/api/v1/units/so-tttt/summary?period=2026-13",
      'period: "2026-13" is not a period (write a month 2026-11, a quarter 2026-Q4 or a year 2026)',
    ],
  ])("%s is refused with 400 naming the parameter", (path, message) => {
    expect(get(path)).toEqual({ status: 400, body: { error: message } });
  });

  it("answers 404 for an unknown unit or route", () => {
    expect(get("/api/v1/units/nope")).toEqual({
      status: 404,
      body: { error: 'unit: no unit "nope"' },
    });
    expect(get("/api/v1/nothing")).toEqual({
      status: 404,
      body: { error: "no API route at /api/v1/nothing" },
    });
  });
});
