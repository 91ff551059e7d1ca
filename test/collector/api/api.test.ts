// The JSON API's answers on a store with a known morning: an outage, agent silence, a link-caused
// failure, an expiring certificate and a changed inventory; checked against hand-computed figures.
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiHandler, createApi } from "../../../collector/api/router.js";
import { AgentStore } from "../../../collector/store/agents.js";
import { METRICS } from "../../../shared/metrics.js";
import { schedule, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;
const DAY = 86_400_000;
/** The API's clock: 11:05 on 2 March 2026 in Vietnam. */
const NOW = vn("11:05:00");
const NOT_AFTER = NOW + 10 * DAY;

let store: TestStore;
let api: ApiHandler;

function get(path: string): { status: number; body: Record<string, unknown> } {
  const { status, body } = api({} as IncomingMessage, new URL(path, "http://collector"));
  return { status, body: body as Record<string, unknown> };
}

beforeAll(() => {
  store = testStore();
  // pc-01: the README's worked example (portal down 10:20–10:29, link down 10:25–10:29, agent
  // silent 10:29:30–10:45), plus the portal's certificate.
  const pc1 = store.agent("so-tttt", "pc-01");
  const silent = (ts: number) => ts >= vn("10:29:30") && ts < vn("10:45:00");
  const results = [
    ...schedule(
      "portal",
      "website",
      vn("09:55:00"),
      NOW,
      30_000,
      (ts) => ts >= vn("10:20:00") && ts <= vn("10:29:00"),
      silent,
    ),
    ...schedule(
      "dc-link",
      "datacenter",
      vn("09:55:00"),
      NOW,
      30_000,
      (ts) => ts >= vn("10:25:00") && ts <= vn("10:29:00"),
      silent,
    ),
  ].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < results.length; i += 4) store.write(pc1, results.slice(i, i + 4));
  const labels = { check: "portal", category: "website", kind: "http" };
  store.write(
    pc1,
    [],
    [{ metric: METRICS.tlsExpiry.name, labels, ts: vn("10:00:00"), value: NOT_AFTER / 1000 }],
  );
  // pc-02: the host, up every minute from 09:00, with an inventory at 09:00 and at 10:00.
  const pc2 = store.agent("so-tttt", "pc-02");
  const host = (memory: number, packages: { name: string; version: string }[]) => ({
    memoryBytes: memory,
    os: { distro: "Debian GNU/Linux", release: "12" },
    software: { source: "dpkg", packages },
  });
  const hostResults = schedule("host", "equipment", vn("09:00:00"), NOW, MIN).map((r) => ({
    ...r,
    kind: "host",
  }));
  store.write(
    pc2,
    hostResults.slice(0, 60),
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: vn("09:00:00"),
        data: host(8 * 2 ** 30, [{ name: "openssl", version: "3.0.1" }]),
      },
    ],
  );
  store.write(
    pc2,
    hostResults.slice(60),
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: vn("10:00:00"),
        data: host(16 * 2 ** 30, [
          { name: "curl", version: "7.88" },
          { name: "openssl", version: "3.0.2" },
        ]),
      },
    ],
  );
  store.history.maintenance.runUntilIdle(NOW);
  api = createApi({
    history: store.history,
    agents: new AgentStore(store.db),
    incidents: store.config.incidents,
    clock: () => NOW,
  });
});
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
      // portal 35 + dc-link 40 + host 60 minutes up, of 45 + 45 + 60 observed; the host covers the hour
      availability: 135 / 150,
      coverage: 1,
      upMs: 135 * MIN,
      downMs: 15 * MIN,
      linkMs: 5 * MIN,
      openIncidents: 0,
    });
    const categories = so?.categories as Record<string, Record<string, unknown>>;
    expect(categories.website).toEqual({
      state: "up",
      checks: 1,
      down: 0,
      cause: null,
      availability: 35 / 45,
      availabilityExcludingLink: 40 / 45,
      coverage: 0.75,
      upMs: 35 * MIN,
      downMs: 10 * MIN,
      linkMs: 5 * MIN,
      observedMs: 45 * MIN,
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
      availability: 35 / 45,
      coverage: 0.75,
      linkMs: 5 * MIN,
    });
  });
});

describe("GET /api/v1/incidents", () => {
  it("lists incidents newest first, with reason and the link's part", () => {
    const { body } = get("/api/v1/incidents?unit=so-tttt&kind=check");
    expect(body.truncated).toBe(false);
    const list = body.incidents as Record<string, unknown>[];
    expect(
      list.map((i) => [i.check, i.category, i.start, i.end, i.durationMs, i.reason, i.cause]),
    ).toEqual([
      // The portal failed before the link did, so the link is not blamed for it.
      ["dc-link", "datacenter", vn("10:25:00"), vn("10:45:00"), 20 * MIN, "timeout", null],
      ["portal", "website", vn("10:20:00"), vn("10:45:00"), 25 * MIN, "timeout", null],
    ]);
  });

  it("filters by category, state and time", () => {
    expect((get("/api/v1/incidents?category=website").body.incidents as unknown[]).length).toBe(1);
    expect(get("/api/v1/incidents?state=open").body.incidents).toEqual([]);
    expect(get("/api/v1/incidents?from=2026-03-02T10:50").body.incidents).toEqual([]);
    expect((get("/api/v1/incidents?limit=1").body as { truncated: boolean }).truncated).toBe(true);
  });
});

describe("GET /api/v1/inventory", () => {
  it("gives the newest inventory of each check and what changed since the one before", () => {
    const { body } = get("/api/v1/inventory?unit=so-tttt");
    const [item] = body.inventory as Record<string, unknown>[];
    expect(item).toMatchObject({
      agent: "pc-02",
      check: "host",
      kind: "host",
      ts: vn("10:00:00"),
      previous: { ts: vn("09:00:00") },
    });
    expect(item?.changes).toEqual({
      changes: [
        { path: "memoryBytes", change: "changed", before: 8 * 2 ** 30, after: 16 * 2 ** 30 },
        {
          path: "software.packages[curl]",
          change: "added",
          after: { name: "curl", version: "7.88" },
        },
        {
          path: "software.packages[openssl].version",
          change: "changed",
          before: "3.0.1",
          after: "3.0.2",
        },
      ],
      counts: { added: 1, removed: 0, changed: 2 },
      truncated: false,
    });
  });
});

describe("GET /api/v1/units/{id}/summary", () => {
  it("summarises March so far in Vietnam time, with findings as codes", () => {
    const { status, body } = get("/api/v1/units/so-tttt/summary?period=2026-03");
    expect(status).toBe(200);
    const from = Date.parse("2026-03-01T00:00:00+07:00");
    expect(body.period).toEqual({
      id: "2026-03",
      kind: "month",
      from,
      to: Date.parse("2026-04-01T00:00:00+07:00"),
      timeZone: "Asia/Ho_Chi_Minh",
      complete: false,
      until: NOW,
    });
    const elapsed = NOW - from;
    const categories = Object.fromEntries(
      (body.categories as { category: string }[]).map((c) => [c.category, c]),
    ) as Record<string, Record<string, unknown>>;
    // portal: observed 09:55–10:30 and 10:45–11:05 (55 min), down 10:20–10:30
    expect(categories.website).toMatchObject({
      checks: 1,
      availability: 45 / 55,
      upMs: 45 * MIN,
      downMs: 10 * MIN,
      linkMs: 5 * MIN,
    });
    expect(categories.website?.incidents).toEqual({
      count: 1,
      open: 0,
      downtimeMs: 25 * MIN,
      longestMs: 25 * MIN,
      linkCaused: 0,
    });
    expect(categories.website?.findings).toEqual([
      {
        code: "low_availability",
        severity: "problem",
        params: { availability: 0.8182, target: 0.99, downMs: 10 * MIN },
      },
      {
        code: "low_coverage",
        severity: "warning",
        params: { coverage: Math.round(((55 * MIN) / elapsed) * 10_000) / 10_000, target: 0.9 },
      },
      {
        code: "incidents",
        severity: "warning",
        params: { count: 1, downtimeMs: 25 * MIN, longestMs: 25 * MIN },
      },
      {
        code: "link_caused",
        severity: "info",
        params: { linkMs: 5 * MIN, downMs: 10 * MIN, share: 0.5 },
      },
      {
        code: "certificate_expiring",
        severity: "warning",
        params: { check: "portal", daysLeft: 10, notAfter: NOT_AFTER },
      },
    ]);
    expect(categories.equipment?.findings).toEqual([
      { code: "all_up", severity: "ok", params: { availability: 1 } },
      {
        code: "low_coverage",
        severity: "warning",
        params: { coverage: Math.round(((125 * MIN) / elapsed) * 10_000) / 10_000, target: 0.9 },
      },
      { code: "inventory_changed", severity: "info", params: { count: 1 } },
    ]);
    expect(categories.lan?.findings).toEqual([
      { code: "no_checks", severity: "problem", params: {} },
    ]);
    expect(body.certificates).toEqual([
      {
        agent: "pc-01",
        check: "portal",
        category: "website",
        notAfter: NOT_AFTER,
        daysLeft: 10,
        state: "expiring",
      },
    ]);
    expect(
      (body.inventoryChanges as { ts: number; changes: unknown }[]).map((c) => [
        c.ts,
        c.changes === null,
      ]),
    ).toEqual([
      [vn("09:00:00"), true],
      [vn("10:00:00"), false],
    ]);
  });
});

describe("query parameters", () => {
  it.each([
    [
      "/api/v1/units?window=5%20minutes",
      'window: invalid duration "5 minutes" (write e.g. 500ms, 30s, 5m, 24h)',
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
