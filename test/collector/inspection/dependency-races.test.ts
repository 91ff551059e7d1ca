// A check and the check it depends on run at different moments, at different intervals, and take
// different times to fail, so their results cross on the way in. When a link is cut, the child may
// report two failures before its parent's first; when the link is back, a child's probe begun
// during the cut may report its failure after the parent's first good result. Both failures are
// the parent's: one incident, the parent's, and no message about the child. A child failing while
// its parent keeps answering still opens its own incident, from its first failure.
import { afterEach, describe, expect, it } from "vitest";
import {
  checkIncidents,
  type NotifyingStore,
  notifyingStore,
} from "../../helpers/notifications.js";
import { type TestResult, vn } from "../../helpers/store.js";

const SEC = 1000;
const MIN = 60 * SEC;
const t0 = vn("10:00:00");
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const contact = { name: "Trần Văn Bình", email: "binh@example.gov.vn" };
const config = (incidents: Record<string, unknown> = {}) => ({
  units: [{ id: "so-tttt", name: "Sở Thông tin và Truyền thông", contact }],
  incidents,
  notifications: {
    channels: [{ name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" }],
    routes: [{ channels: ["mail"] }],
    groupWait: "30s",
  },
});

/** How a check runs: when, how often, and how long its result takes to come in. */
interface Schedule {
  name: string;
  category: TestResult["category"];
  dependsOn?: string[];
  /** First run, ms after t0, and the interval. */
  offset: number;
  every: number;
  /** No run after this, ms after t0 (the check taken off the agent). */
  until?: number;
  /** How long a good and a failed run take to report (a failure waits for its timeout). */
  upTakes: number;
  downTakes: number;
}

/**
 * Each check's results for `minutes` from t0, delivered in the order they finish (as one agent
 * sends them), a minute at a time; `down(ts)` says whether the run starting at ts fails.
 */
async function run(
  s: NotifyingStore,
  checks: Schedule[],
  minutes: number,
  down: (check: string, ts: number) => boolean,
): Promise<void> {
  const agent = s.agent("so-tttt", "pc-01");
  const runs = checks.flatMap((c) => {
    const out: { result: TestResult; done: number }[] = [];
    const end = t0 + Math.min(minutes * MIN, c.until ?? Number.POSITIVE_INFINITY);
    for (let ts = t0 + c.offset; ts < end; ts += c.every) {
      const failed = down(c.name, ts);
      const result: TestResult = {
        check: c.name,
        category: c.category,
        ts,
        up: !failed,
        ...(failed ? { reason: "timeout" as const } : {}),
        ...(c.dependsOn ? { dependsOn: c.dependsOn } : {}),
      };
      out.push({ result, done: ts + (failed ? c.downTakes : c.upTakes) });
    }
    return out;
  });
  runs.sort((a, b) => a.done - b.done);
  for (let t = t0; t < t0 + (minutes + 1) * MIN; t += MIN) {
    const finished = runs.filter((r) => r.done >= t && r.done < t + MIN).map((r) => r.result);
    if (finished.length > 0) s.write(agent, finished);
    await s.at(t + MIN);
  }
}

const said = (s: NotifyingStore) =>
  s.queued().flatMap((m) => m.message.items.map((i) => `${i.check} ${i.state}`));

/** The gateway pinged every 30 s, its failures waiting 2.5 s; the portal fetched every 10 s. */
const GATEWAY: Schedule = {
  name: "gateway",
  category: "lan",
  offset: 29 * SEC,
  every: 30 * SEC,
  upTakes: 100,
  downTakes: 2500,
};
const PORTAL: Schedule = {
  name: "portal",
  category: "website",
  dependsOn: ["gateway"],
  offset: 0,
  every: 10 * SEC,
  upTakes: 200,
  downTakes: 2000,
};

describe("a child and its parent reporting out of step", () => {
  it("is the parent's incident when the child reports two failures before the parent's first", async () => {
    store = notifyingStore(config());
    // Cut from 10:02:01 to 10:08:01: the portal fails at 10:02:10 and 10:02:20, the gateway not
    // before 10:02:29, reported 10:02:31.5.
    const cut = (_check: string, ts: number) => ts >= t0 + 2 * MIN + SEC && ts < t0 + 8 * MIN + SEC;
    await run(store, [GATEWAY, PORTAL], 15, cut);
    const list = checkIncidents(store, t0 + 15 * MIN);
    expect(list.map((i) => i.check)).toEqual(["gateway"]);
    // The portal's failure, from its first failed run, is listed under the gateway's incident.
    expect(list[0]?.dependents.map((d) => [d.check, d.start - t0])).toEqual([
      ["portal", 2 * MIN + 10 * SEC],
    ]);
    expect(said(store)).toEqual(["gateway open", "gateway resolved"]);
  });

  it("is the parent's when the child's run begun during the cut fails after the parent is back", async () => {
    store = notifyingStore(config());
    // The gateway every 10 s at :03, reporting at once; the portal's failures take 8 s.
    const gateway = { ...GATEWAY, offset: 3 * SEC, every: 10 * SEC, downTakes: 1000 };
    const portal = { ...PORTAL, downTakes: 8 * SEC };
    // Cut from 10:02:01 to 10:10:02: the portal's run at 10:10:00 fails, reported at 10:10:08,
    // after the gateway's good run at 10:10:03 has come in.
    const cut = (_check: string, ts: number) =>
      ts >= t0 + 2 * MIN + SEC && ts < t0 + 10 * MIN + 2 * SEC;
    await run(store, [gateway, portal], 15, cut);
    const list = checkIncidents(store, t0 + 15 * MIN);
    expect(list.map((i) => i.check)).toEqual(["gateway"]);
    expect(list[0]?.dependents.map((d) => [d.check, (d.end ?? 0) - t0])).toEqual([
      ["portal", 10 * MIN + 10 * SEC],
    ]);
    expect(said(store)).toEqual(["gateway open", "gateway resolved"]);
  });

  it("leaves a child failing while its parent answers its own incident, from its first failure", async () => {
    store = notifyingStore(config());
    const cut = (check: string, ts: number) =>
      check === "portal" && ts >= t0 + 2 * MIN + SEC && ts < t0 + 8 * MIN + SEC;
    await run(store, [GATEWAY, PORTAL], 15, cut);
    const list = checkIncidents(store, t0 + 15 * MIN);
    expect(list.map((i) => [i.check, i.start - t0, i.dependents.length])).toEqual([
      ["portal", 2 * MIN + 10 * SEC, 0],
    ]);
    expect(said(store)).toEqual(["portal open", "portal resolved"]);
  });

  it("waits for a parent gone quiet no longer than silentAfter past its last result", async () => {
    store = notifyingStore(config({ silentAfter: "1m" }));
    // The gateway's results stop after 10:01:29 (its check taken off the agent); the portal fails
    // from 10:02:10. Its incident opens once the gateway has said nothing for a minute.
    const gateway = { ...GATEWAY, until: 90 * SEC };
    const cut = (check: string, ts: number) =>
      check === "portal" && ts >= t0 + 2 * MIN + SEC && ts < t0 + 8 * MIN + SEC;
    await run(store, [gateway, PORTAL], 15, cut);
    const list = checkIncidents(store, t0 + 15 * MIN);
    expect(list.map((i) => [i.check, i.start - t0])).toEqual([["portal", 2 * MIN + 10 * SEC]]);
  });
});
