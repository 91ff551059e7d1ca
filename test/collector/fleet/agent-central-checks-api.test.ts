// The JSON API of one agent's central checks against a running collector: a unit's user changes
// its own unit's agents' checks and not another unit's (403), a change needs the CSRF token,
// secrets never come back, every change is audited, a name of the unit's checks is refused (400),
// and the agent is sent its unit's checks with its own while another agent of the unit is not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { CENTRAL_CONFIG } from "../../../shared/protocol.js";
import { centralChecksApi } from "../../helpers/central-checks-api.js";
import { RawAgent, type TestCollector } from "../../helpers/collector.js";
import type { Browser } from "../../helpers/web.js";

let collector: TestCollector;
let leaderA: Browser;
let csrf = "";

const path = (unit: string, agent: string) =>
  `/api/v1/units/${unit}/agents/${agent}/central-checks`;
const put = (browser: Browser, unit: string, agent: string, body: unknown, token = csrf) =>
  browser.request("PUT", path(unit, agent), JSON.stringify(body), {
    "Content-Type": "application/json",
    "X-CSRF-Token": token,
  });

const SNMP = {
  name: "printer",
  category: "equipment",
  kind: "snmp",
  host: "192.0.2.9",
  community: "s3cret-community",
};

/** An agent of unit-a whose hello says it takes central checks. */
async function centralAgent(name: string): Promise<RawAgent> {
  const agent = new RawAgent(collector.url, collector.enroll("unit-a", name));
  await agent.opened;
  agent.send({
    type: "hello",
    v: 1,
    agentVersion: "test",
    hostname: name,
    os: "linux",
    bootId: "b",
    features: [CENTRAL_CONFIG],
  });
  return agent;
}

beforeAll(async () => {
  ({ collector, leaderA, csrf } = await centralChecksApi());
});
afterAll(() => collector.stop());

describe("one agent's central checks API", () => {
  it("sends the agent its unit's checks with its own, and not to another agent of the unit", async () => {
    const mine = await centralAgent("pc-01");
    const other = await centralAgent("pc-02");
    await mine.next((m) => m.type === "config");
    const answer = await put(leaderA, "unit-a", "pc-01", { checks: [SNMP] });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain("s3cret-community");
    const sent = await mine.next(
      (m) => m.type === "config" && m.checks.some((c) => c.name === "printer"),
    );
    expect(sent.type === "config" && sent.checks.map((c) => c.name)).toEqual(["portal", "printer"]);
    expect(sent.type === "config" && sent.checks[1]?.community).toBe("s3cret-community");
    await new Promise((resolve) => setTimeout(resolve, 300));
    const toOther = other.messages.flatMap((m) => (m.type === "config" ? [m.checks] : []));
    expect(toOther.length).toBeGreaterThan(0);
    for (const checks of toOther) expect(checks.map((c) => c.name)).toEqual(["portal"]);
    const fleet = JSON.parse((await leaderA.get("/api/v1/fleet")).text).agents as {
      agent: string;
      central: { checks: number; own: number };
    }[];
    expect(fleet.map((a) => [a.agent, a.central.checks, a.central.own])).toEqual([
      ["pc-01", 2, 1],
      ["pc-02", 1, 0],
    ]);
    mine.close();
    other.close();
  });

  it("shows the agent's own checks with secrets hidden, and a name not enrolled yet", async () => {
    const view = JSON.parse((await leaderA.get(path("unit-a", "pc-01"))).text);
    expect(view).toMatchObject({ unit: "unit-a", agent: "pc-01", enrolled: true, unitChecks: 1 });
    expect(view.checks.map((c: { check: { community: string } }) => c.check.community)).toEqual([
      "(hidden)",
    ]);
    const later = JSON.parse((await leaderA.get(path("unit-a", "pc-09"))).text);
    expect(later).toMatchObject({ agent: "pc-09", enrolled: false, checks: [] });
  });

  it("refuses another unit's agents to a unit's user (403), and a change without CSRF", async () => {
    const read = await leaderA.get(path("unit-b", "pc-01"));
    expect(read.status).toBe(403);
    expect(JSON.parse(read.text).error).toBe(
      "leader-a (unit of unit-a) may not configure unit unit-b",
    );
    expect((await put(leaderA, "unit-b", "pc-01", { checks: [SNMP] })).status).toBe(403);
    expect((await put(leaderA, "unit-a", "pc-01", { checks: [] }, "wrong")).status).toBe(403);
    expect(collector.query("SELECT * FROM agent_central_checks WHERE unit_id = 'unit-b'")).toEqual(
      [],
    );
  });

  it("refuses a name of the unit's checks (400) and a bad check naming the field", async () => {
    const clash = await put(leaderA, "unit-a", "pc-01", {
      checks: [{ name: "portal", category: "website", kind: "tcp", host: "a", port: 1 }],
    });
    expect(clash.status).toBe(400);
    expect(JSON.parse(clash.text).error).toBe(
      `checks: "portal" is also in units (unit-a).checks; agent pc-01 runs its unit's checks and its own as one set: choose another name`,
    );
    const bad = await put(leaderA, "unit-a", "pc-01", {
      checks: [{ name: "x", category: "nowhere", kind: "tcp" }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/^checks\[0\] \(x\)\.category/);
    const unitClash = await leaderA.request(
      "PUT",
      "/api/v1/units/unit-a/central-checks",
      JSON.stringify({ checks: [SNMP] }),
      { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    );
    expect(unitClash.status).toBe(400);
    expect(JSON.parse(unitClash.text).error).toContain(
      '"printer" is a central check of agent pc-01',
    );
  });

  it("audits every change with who made it, the agent and the checks' names, not secrets", async () => {
    const db = openDatabase(collector.config.database);
    const audit = listAudit(db).filter((row) => row.action === "central.update");
    db.close();
    expect(audit.map((row) => [row.actor, row.unit, row.target, row.detail])).toEqual([
      [
        "leader-a",
        "unit-a",
        "central checks of agent pc-01",
        { agent: "pc-01", checks: ["printer (snmp)"] },
      ],
    ]);
    expect(JSON.stringify(audit)).not.toContain("s3cret");
  });
});
