// Dependent failures: while a check's parent is down, the check failing opens no incident and
// sends nothing; the parent's incident lists it (down a chain too). A child still down once its
// parent is back opens its own incident within one interval. The unit's root check is the default
// parent of its remote checks, not of its LAN checks.
import { afterEach, describe, expect, it } from "vitest";
import { LOCAL_USER } from "../../../collector/auth/roles.js";
import { findingsText } from "../../../collector/http/pages/city-report.js";
import { html } from "../../../collector/http/pages/html.js";
import { Formatter } from "../../../collector/http/pages/i18n/index.js";
import { renderPages } from "../../../collector/http/pages/pages.js";
import { summaryCsv } from "../../../collector/http/pages/summary-csv.js";
import { inspectionReaders } from "../../../collector/inspection/readers.js";
import { inspectionSummary } from "../../../collector/inspection/summary.js";
import { unitChecks } from "../../../collector/inspection/unit-status.js";
import { type Period, parsePeriod } from "../../../shared/api-query.js";
import { parseCsv } from "../../helpers/csv.js";
import {
  checkIncidents,
  type NotifyingStore,
  notifyingStore,
} from "../../helpers/notifications.js";
import { schedule, type TestResult, vn } from "../../helpers/store.js";

const SEC = 1000;
const MIN = 60 * SEC;
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const contact = { name: "Trần Văn Bình", email: "binh@example.gov.vn" };
const config = (root?: string) => ({
  units: [
    { id: "so-tttt", name: "Sở Thông tin và Truyền thông", contact, ...(root ? { root } : {}) },
  ],
  notifications: {
    channels: [{ name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" }],
    routes: [{ channels: ["mail"] }],
    groupWait: "30s",
  },
});

type Check = [name: string, category: TestResult["category"], dependsOn?: string[]];

/** Results every 10 s of each check from t0 for `minutes`, written a minute at a time. */
async function run(
  s: NotifyingStore,
  checks: Check[],
  minutes: number,
  down: (check: string, ts: number) => boolean,
): Promise<void> {
  const agent = s.agent("so-tttt", "pc-01");
  const t0 = vn("10:00:00");
  for (let t = t0; t < t0 + minutes * MIN; t += MIN) {
    const results = checks
      .flatMap(([name, category, dependsOn]) =>
        schedule(name, category, t, t + MIN, 10 * SEC, (ts) => down(name, ts)).map((r) =>
          dependsOn ? { ...r, dependsOn } : r,
        ),
      )
      .sort((a, b) => a.ts - b.ts);
    s.write(agent, results);
    await s.at(t + MIN);
  }
}

const t0 = vn("10:00:00");

describe("a parent down", () => {
  const CHECKS: Check[] = [
    ["gateway", "lan"],
    ["portal", "website", ["gateway"]],
    ["egov", "online_app", ["gateway"]],
    ["mail", "shared_software", ["egov"]],
    ["printer", "lan"],
  ];

  it("is one incident, the parent's, listing its dependents down the chain, and one notification", async () => {
    store = notifyingStore(config());
    const cut = (check: string, ts: number) =>
      check !== "printer" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    await run(store, CHECKS, 20, cut);
    const list = checkIncidents(store, t0 + 20 * MIN);
    expect(list.map((i) => [i.check, i.start - t0, i.end === null ? null : i.end - t0])).toEqual([
      ["gateway", 2 * MIN, 10 * MIN],
    ]);
    expect(
      list[0]?.dependents.map((d) => [d.check, d.start - t0, (d.end ?? 0) - t0, d.via]),
    ).toEqual([
      ["egov", 2 * MIN, 10 * MIN, null],
      ["mail", 2 * MIN, 10 * MIN, "egov"],
      ["portal", 2 * MIN, 10 * MIN, null],
    ]);
    // Their down time is the gateway's: all of it unreachable because of it, none their own.
    const readers = inspectionReaders({
      history: store.history,
      agents: { list: () => [] },
      clock: () => t0 + 20 * MIN,
    });
    const figures = unitChecks(readers, "so-tttt", { from: t0, to: t0 + 20 * MIN }).checks;
    const portal = figures.find((c) => c.check === "portal");
    // Left out of its availability as planned work is, not counted as its downtime.
    expect(portal?.availability).toBe(1);
    expect(portal?.downMs).toBe(0);
    expect(portal?.unreachableMs).toBe(8 * MIN);
    expect(portal?.observedMs).toBe(12 * MIN);
    // The deprecated names of the link attribution say the same.
    expect(portal?.linkMs).toBe(8 * MIN);
    expect(portal?.availabilityExcludingLink).toBe(1);
    expect(figures.find((c) => c.check === "gateway")?.downMs).toBe(8 * MIN);
    expect(figures.find((c) => c.check === "printer")?.availability).toBe(1);

    const messages = store.queued().map((m) => m.message);
    expect(messages.map((m) => m.kind)).toEqual(["problem", "resolved"]);
    expect(messages[0]?.items.map((i) => [i.subject, i.check])).toEqual([["link", "gateway"]]);
    expect(messages[0]?.items[0]?.affected.map((a) => a.check).sort()).toEqual([
      "egov",
      "mail",
      "portal",
    ]);
  });

  it("gives the leader's summary the dependents' time as unreachable because of the parent, counted against the parent's category", async () => {
    store = notifyingStore(config());
    const cut = (check: string, ts: number) =>
      check !== "printer" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    await run(store, CHECKS, 20, cut);
    const readers = inspectionReaders({
      history: store.history,
      agents: { list: () => [] },
      clock: () => t0 + 20 * MIN,
    });
    const summary = inspectionSummary(readers, "so-tttt", parsePeriod("2026-03") as Period);
    const category = (name: string) => summary.categories.find((c) => c.category === name);
    // The website and the application were down only while the gateway was: nothing of theirs.
    expect(category("website")?.availability).toBe(1);
    expect(category("website")?.unreachableMs).toBe(8 * MIN);
    expect(category("website")?.unreachableBecauseOf).toEqual([
      { agent: "pc-01", check: "gateway", title: null, category: "lan", ms: 8 * MIN },
    ]);
    // mail depends on egov: its time is egov's, an application.
    expect(category("shared_software")?.unreachableBecauseOf.map((c) => c.check)).toEqual(["egov"]);
    // The gateway's category carries the fault: its own 8 minutes down, and its dependents'.
    expect(category("lan")?.downMs).toBe(8 * MIN);
    expect(category("lan")?.availability).toBeLessThan(1);
    expect(category("lan")?.causedUnreachableMs).toBe(16 * MIN);
    expect(category("online_app")?.causedUnreachableMs).toBe(8 * MIN);
    expect(summary.overall.unreachableMs).toBe(24 * MIN);

    // What the leader reads, in both languages, and the CSV's columns.
    const said = (lang: "vi" | "en") => findingsText(Formatter.of(lang), summary, "website");
    expect(said("vi")).toContain(
      "Không truy cập được trong 8 phút do gateway (Mạng LAN) gặp sự cố; thời gian này không tính vào tỷ lệ sẵn sàng",
    );
    expect(said("en")).toContain("Unreachable for 8 min because gateway (LAN) was down");
    expect(findingsText(Formatter.of("vi"), summary, "lan")).toContain(
      "làm các hạng mục phụ thuộc không truy cập được tổng cộng 16 phút",
    );
    const rows = parseCsv(summaryCsv(Formatter.of("en"), [summary]));
    const header = rows[0] as string[];
    const column = (name: string) => header.indexOf(name);
    const row = (category: string) => rows.find((r) => r[2] === category) as string[];
    const unreachable = column("Unreachable because another check was down (minutes)");
    const caused = column("Made dependent checks unreachable (minutes)");
    expect(row("Specialised website")[unreachable]).toBe("8");
    expect(row("Specialised website")[column("Availability (%)")]).toBe("100.00");
    expect(row("Local area network")[caused]).toBe("16");
    // The report the leader signs says it among its findings.
    const pages = renderPages({ db: store.history.db, ctx: readers });
    const report = pages.report({
      url: new URL("http://collector/reports/so-tttt?period=2026-03"),
      query: { period: "2026-03" },
      params: { unit: "so-tttt" },
      user: LOCAL_USER,
      csrf: () => "",
      header: html``,
    });
    expect(report.body).toContain(
      "Website: Không truy cập được trong 8 phút do gateway (Mạng LAN) gặp sự cố",
    );
    // And the unit page, beside the portal's availability.
    const page = pages.unitPage({
      url: new URL("http://collector/units/so-tttt"),
      query: {},
      params: { id: "so-tttt" },
      user: LOCAL_USER,
      csrf: () => "",
      header: html``,
    }).body;
    const portalRow = /<tr data-check="portal">.*?<\/tr>/s.exec(page)?.[0];
    expect(portalRow).toContain("100");
    expect(portalRow).toContain("không truy cập được 8 phút do hạng mục nó phụ thuộc gặp sự cố");
  });

  it.each([
    ["more than an hour apart", [2, 70, 140]],
    ["within an hour", [2, 20, 40]],
  ])(
    "lists each failure of a dependent once, under the parent's incident it fell in, the parent down three times %s",
    async (_, starts) => {
      // A failure may begin a little before its parent's incident (their results cross), so one up
      // to an hour before an incident may be listed under it; never under two, nor twice down a chain.
      store = notifyingStore(config());
      const windows = starts.map((from, i) => [from, from + 2 + (i === 2 ? 1 : 0)]);
      const cut = (check: string, ts: number) =>
        check !== "printer" &&
        windows.some(
          ([from, to]) => ts >= t0 + (from as number) * MIN && ts < t0 + (to as number) * MIN,
        );
      await run(store, CHECKS, 150, cut);
      const list = checkIncidents(store, t0 + 150 * MIN);
      expect(list).toHaveLength(3);
      // Newest first, each with the failures of its own window only.
      expect(
        list.map((i) => [
          i.check,
          (i.start - t0) / MIN,
          ((i.end ?? 0) - t0) / MIN,
          i.dependents.map((d) => [
            d.check,
            (d.start - t0) / MIN,
            ((d.end ?? 0) - t0) / MIN,
            d.via,
          ]),
        ]),
      ).toEqual(
        [...windows].reverse().map(([from, to]) => [
          "gateway",
          from,
          to,
          [
            ["egov", from, to, null],
            ["mail", from, to, "egov"],
            ["portal", from, to, null],
          ],
        ]),
      );
    },
  );

  it("leaves a child still down once its parent is back to open its own incident within one interval", async () => {
    store = notifyingStore(config());
    const cut = (check: string, ts: number) =>
      check === "portal"
        ? ts >= t0 + 2 * MIN && ts < t0 + 15 * MIN
        : check === "gateway" && ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    await run(store, CHECKS, 20, cut);
    const list = checkIncidents(store, t0 + 20 * MIN);
    const portal = list.find((i) => i.check === "portal");
    // The gateway's first good result is at 10:10:00; the portal's next result, 10 s later at most.
    expect(portal?.start).toBeGreaterThanOrEqual(t0 + 10 * MIN);
    expect(portal?.start).toBeLessThanOrEqual(t0 + 10 * MIN + 10 * SEC);
    expect(portal?.end).toBe(t0 + 15 * MIN);
    const said = store.queued().flatMap((m) => m.message.items.map((i) => `${i.check} ${i.state}`));
    expect(said).toContain("portal open");
    expect(said).toContain("portal resolved");
  });

  it("with the parent fine, a child failing on its own opens its own incident", async () => {
    store = notifyingStore(config());
    const cut = (check: string, ts: number) =>
      check === "portal" && ts >= t0 + 2 * MIN && ts < t0 + 5 * MIN;
    await run(store, CHECKS, 10, cut);
    const list = checkIncidents(store, t0 + 10 * MIN);
    expect(list.map((i) => [i.check, i.dependents.length])).toEqual([["portal", 0]]);
    expect(store.queued().map((m) => m.message.items.map((i) => i.check))).toEqual([
      ["portal"],
      ["portal"],
    ]);
  });
});

describe("a unit's root check", () => {
  it("is the default parent of its remote checks, not of its LAN checks", async () => {
    store = notifyingStore(config("dc-link"));
    const checks: Check[] = [
      ["dc-link", "datacenter"],
      ["portal", "website"],
      ["switch", "lan"],
    ];
    // A busy LAN switch times out during the link outage: the link cannot have caused it.
    const cut = (_check: string, ts: number) => ts >= t0 + 2 * MIN && ts < t0 + 10 * MIN;
    await run(store, checks, 20, cut);
    const list = checkIncidents(store, t0 + 20 * MIN);
    expect(list.map((i) => [i.check, i.dependents.map((d) => d.check)]).sort()).toEqual([
      ["dc-link", ["portal"]],
      ["switch", []],
    ]);
  });
});
