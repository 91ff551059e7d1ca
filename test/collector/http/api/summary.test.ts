// The JSON API's incidents, inventory and inspection summary on a known morning.
import { afterAll, describe, expect, it } from "vitest";
import { morning, NOT_AFTER, NOW } from "../../../helpers/morning.js";
import { vn } from "../../../helpers/store.js";

const MIN = 60_000;
const { store, get } = morning();
afterAll(() => store.close());

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
      // Counted up to the last 5-minute boundary at least 2 minutes before NOW (11:05).
      until: NOW - 5 * MIN,
    });
    const elapsed = NOW - 5 * MIN - from;
    const categories = Object.fromEntries(
      (body.categories as { category: string }[]).map((c) => [c.category, c]),
    ) as Record<string, Record<string, unknown>>;
    // portal: observed 09:55–10:30 and 10:45–11:00 (50 min), down 10:20–10:30, 5 min of it while
    // dc-link, its root, was down: unreachable because of it, left out of its availability
    expect(categories.website).toMatchObject({
      checks: 1,
      availability: 40 / 45,
      upMs: 40 * MIN,
      downMs: 5 * MIN,
      unreachableMs: 5 * MIN,
      observedMs: 45 * MIN,
      unreachableBecauseOf: [
        { agent: "pc-01", check: "dc-link", title: null, category: "datacenter", ms: 5 * MIN },
      ],
      // The incident's time: 10:20 until the portal answered twice again at 10:45.
      disruptedMs: 25 * MIN,
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
        params: { availability: 0.8889, target: 0.99, disruptedMs: 25 * MIN },
      },
      {
        code: "low_coverage",
        severity: "warning",
        params: { coverage: Math.round(((50 * MIN) / elapsed) * 10_000) / 10_000, target: 0.9 },
      },
      {
        code: "incidents",
        severity: "warning",
        params: { count: 1, disruptedMs: 25 * MIN, longestMs: 25 * MIN },
      },
      {
        code: "unreachable_because_of_parent",
        severity: "warning",
        params: {
          unreachableMs: 5 * MIN,
          parent: "dc-link",
          parentCategory: "datacenter",
          others: 0,
        },
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
        params: { coverage: Math.round(((120 * MIN) / elapsed) * 10_000) / 10_000, target: 0.9 },
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
        title: null,
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
