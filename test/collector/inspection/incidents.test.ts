// Incidents open after `openAfter` failed results in a row and close after `closeAfter` good ones,
// so one lost ping is not an incident; agent silence is an incident of its own.
import { afterEach, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import { IncidentList } from "../../../collector/inspection/incident-list.js";
import { type TrackerState, track } from "../../../collector/inspection/incidents.js";
import { type TestResult, type TestStore, testStore, vn } from "../../helpers/store.js";

const MIN = 60_000;

function results(check: string, pattern: string, from: number, every = 30_000): TestResult[] {
  return [...pattern].map((c, i) => ({
    check,
    category: "website",
    ts: from + i * every,
    up: c === "U",
    ...(c === "U" ? {} : { reason: "status" as const, message: `HTTP 503 at ${i}` }),
  }));
}

let store: TestStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

function incidents(s: TestStore, kind: "check" | "silence" = "check") {
  return s.db
    .prepare(
      `SELECT kind, check_name AS "check", category, start_ts AS start, end_ts AS "end", reason, message
       FROM incidents WHERE kind = ? ORDER BY start_ts`,
    )
    .all(kind);
}

describe("incident hysteresis", () => {
  it("opens at the first of openAfter failures and closes at the first of closeAfter successes", () => {
    const state: TrackerState = { down: false, run: 0, runStart: undefined };
    const events = [..."UDUDDDUDUUU"].map((c, i) =>
      track(state, i, c === "U", { openAfter: 2, closeAfter: 2 }),
    );
    expect(
      events.map((e, i) => (e ? `${i}:${e.type}@${"start" in e ? e.start : e.end}` : "")),
    ).toEqual([
      "",
      "", // one failure, then a success: no incident
      "",
      "",
      "4:open@3",
      "",
      "",
      "", // one success, then a failure: still down
      "",
      "9:close@8",
      "",
    ]);
  });

  it("with openAfter 1 and closeAfter 1 follows every change", () => {
    const state: TrackerState = { down: false, run: 0, runStart: undefined };
    const events = [..."UDU"].map((c, i) =>
      track(state, i * 10, c === "U", { openAfter: 1, closeAfter: 1 }),
    );
    expect(events).toEqual([undefined, { type: "open", start: 10 }, { type: "close", end: 20 }]);
  });
});

describe("incidents from stored results", () => {
  it("records start, end, first reason and category, ignoring a single lost result", () => {
    store = testStore();
    const agent = store.agent("so-tttt", "pc-01");
    const from = vn("08:00:00");
    store.write(agent, results("portal", "UUDUUUDDDDDUDUUUU", from));
    store.history.jobs.runUntilIdle(vn("09:00:00"));
    expect(incidents(store)).toEqual([
      {
        kind: "check",
        check: "portal",
        category: "website",
        start: from + 6 * 30_000,
        end: from + 13 * 30_000,
        reason: "status",
        message: "HTTP 503 at 6",
      },
    ]);
  });

  it("keeps an incident open across passes until enough good results arrive", () => {
    store = testStore({ incidents: { openAfter: 3, closeAfter: 3 } });
    const agent = store.agent("so-tttt", "pc-01");
    const from = vn("08:00:00");
    store.write(agent, results("portal", "UDDD", from));
    store.history.jobs.runUntilIdle(vn("08:10:00"));
    expect(incidents(store)).toMatchObject([{ start: from + 30_000, end: null }]);
    store.write(agent, results("portal", "UU", from + 4 * 30_000));
    store.history.jobs.runUntilIdle(vn("08:20:00"));
    expect(incidents(store)).toMatchObject([{ end: null }]);
    store.write(agent, results("portal", "U", from + 6 * 30_000));
    store.history.jobs.runUntilIdle(vn("08:30:00"));
    expect(incidents(store)).toMatchObject([{ start: from + 30_000, end: from + 4 * 30_000 }]);
  });

  it("opens a silence incident when an agent is not heard for silentAfter, closed when it is", () => {
    store = testStore({ incidents: { silentAfter: "5m" } });
    const agent = store.agent("so-tttt", "pc-01");
    const t = vn("08:00:00");
    store.write(agent, results("portal", "U", t));
    store.history.jobs.runUntilIdle(t + 4 * MIN);
    expect(incidents(store, "silence")).toEqual([]);
    store.history.jobs.runUntilIdle(t + 6 * MIN);
    expect(incidents(store, "silence")).toMatchObject([{ kind: "silence", start: t, end: null }]);
    // It comes back 10 minutes later (the test store receives each batch at its last result's time).
    store.write(agent, results("portal", "U", t + 10 * MIN));
    store.history.jobs.runUntilIdle(t + 11 * MIN);
    expect(incidents(store, "silence")).toMatchObject([
      { kind: "silence", start: t, end: t + 10 * MIN },
    ]);
  });

  it("ends a revoked agent's open incidents when it was revoked", () => {
    store = testStore();
    const agent = store.agent("so-tttt", "pc-01");
    const from = vn("08:00:00");
    store.write(agent, results("portal", "UDDD", from));
    new AgentStore(store.db).revoke("so-tttt", "pc-01", vn("08:30:00"));
    store.history.jobs.runUntilIdle(vn("09:00:00"));
    expect(incidents(store)).toMatchObject([{ start: from + 30_000, end: vn("08:30:00") }]);
  });

  it("lists a failure while the check it depends on was down under that check's incident", () => {
    store = testStore();
    const agent = store.agent("so-tttt", "pc-01");
    const from = vn("08:00:00");
    const link = results("dc-link", "UUDDDDUU", from).map((r) => ({
      ...r,
      category: "datacenter" as const,
    }));
    // The portal fails 10 s before the link check notices, and again an hour later on its own.
    const portal = [
      ...results("portal", "UDDDDUU", from + 20_000),
      ...results("portal", "DDUU", from + 60 * MIN),
    ].map((r) => ({ ...r, dependsOn: ["dc-link"] }));
    store.write(
      agent,
      [...link, ...portal].sort((a, b) => a.ts - b.ts),
    );
    store.history.jobs.runUntilIdle(vn("10:00:00"));
    const list = new IncidentList(store.db, store.history.catalog, store.history.dependencies).list(
      { kind: "check" },
      vn("10:00:00"),
    );
    expect(list.incidents.map((i) => [i.check, i.start - from, i.durationMs, i.cause])).toEqual([
      ["portal", 60 * MIN, 60_000, null],
      ["dc-link", 60_000, 120_000, null],
    ]);
    expect(list.incidents[1]?.dependents).toEqual([
      {
        agent: "pc-01",
        check: "portal",
        category: "website",
        start: from + 50_000,
        end: from + 170_000,
        reason: "status",
        via: null,
      },
    ]);
    // Filters: category, state and time range.
    const website = new IncidentList(
      store.db,
      store.history.catalog,
      store.history.dependencies,
    ).list({ category: "website", from: from + 30 * MIN, to: vn("10:00:00") }, vn("10:00:00"));
    expect(website.incidents.map((i) => i.start - from)).toEqual([60 * MIN]);
  });

  it("reads several units' incidents in one query as each unit's own list gives them", () => {
    store = testStore();
    const from = vn("08:00:00");
    const tttt = store.agent("so-tttt", "pc-01");
    const haiChau = store.agent("quan-hai-chau", "pc-01");
    // so-tttt: three portal incidents, the first begun before the window; hai-chau: one.
    store.write(tttt, results("portal", "DDUUUUDDUUUUDDUU", from, 5 * MIN));
    store.write(haiChau, results("portal", "UUUDDU", from, 5 * MIN));
    store.history.jobs.runUntilIdle(vn("10:00:00"));
    const list = new IncidentList(store.db, store.history.catalog, store.history.dependencies);
    const window = { from: from + 7 * MIN, to: vn("10:00:00") };
    const many = list.listUnits(
      ["so-tttt", "quan-hai-chau", "nobody"],
      window.from,
      window.to,
      2,
      vn("10:00:00"),
    );
    for (const unit of ["so-tttt", "quan-hai-chau", "nobody"]) {
      expect(many.get(unit)).toEqual(list.list({ unit, ...window, limit: 2 }, vn("10:00:00")));
    }
    expect(many.get("so-tttt")?.truncated).toBe(true);
    const starts = (unit: string) =>
      many.get(unit)?.incidents.map((i) => [i.kind, (i.start - from) / MIN]);
    // Newest first: each agent is silent from its last batch (both received at 09:15), then the
    // portal's incidents.
    expect(starts("so-tttt")).toEqual([
      ["silence", 75],
      ["check", 60],
    ]);
    expect(starts("quan-hai-chau")).toEqual([
      ["silence", 75],
      ["check", 15],
    ]);
    expect(many.get("quan-hai-chau")?.truncated).toBe(false);
    expect(many.get("nobody")).toEqual({ incidents: [], truncated: false });
    // Begun before the window and still open: the agents' silences, and hai-chau's portal
    // incident, which one good result did not close.
    const later = list.listUnits(
      ["so-tttt", "quan-hai-chau"],
      from + 80 * MIN,
      vn("10:00:00"),
      5,
      vn("10:00:00"),
    );
    expect([...later.values()].map((l) => l.incidents.map((i) => [i.kind, i.end]))).toEqual([
      [["silence", null]],
      [
        ["silence", null],
        ["check", null],
      ],
    ]);
  });
});
