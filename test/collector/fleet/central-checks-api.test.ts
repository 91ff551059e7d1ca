// The JSON API of central checks against a running collector: a unit's own user changes its unit's
// checks and not another's (403), secrets never come back, every change is audited, a name of
// collector.yaml is refused, bad checks are refused naming the field, and only agents whose hello
// named central-config are sent them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { addCentralCheck } from "../../../collector/fleet/central-checks.js";
import { CENTRAL_CONFIG } from "../../../shared/protocol.js";
import { centralChecksApi } from "../../helpers/central-checks-api.js";
import { RawAgent, type TestCollector } from "../../helpers/collector.js";
import type { Browser } from "../../helpers/web.js";

let collector: TestCollector;
let leaderA: Browser;
let csrf = "";

const put = (browser: Browser, unit: string, body: unknown, token = csrf) =>
  browser.request("PUT", `/api/v1/units/${unit}/central-checks`, JSON.stringify(body), {
    "Content-Type": "application/json",
    "X-CSRF-Token": token,
  });

const SNMP = {
  name: "core-sw",
  category: "lan",
  kind: "snmp",
  host: "192.0.2.2",
  community: "s3cret-community",
};

beforeAll(async () => {
  ({ collector, leaderA, csrf } = await centralChecksApi());
});
afterAll(() => collector.stop());

describe("central checks API", () => {
  it("lets a unit's user change its own unit's checks, never showing a secret back", async () => {
    const answer = await put(leaderA, "unit-a", { checks: [SNMP] });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain("s3cret-community");
    const view = JSON.parse((await leaderA.get("/api/v1/units/unit-a/central-checks")).text);
    expect(
      view.checks.map((c: { source: string; check: { name: string } }) => [c.source, c.check.name]),
    ).toEqual([
      ["config", "portal"],
      ["api", "core-sw"],
    ]);
    expect(view.checks[1].check.community).toBe("(hidden)");
    expect(JSON.stringify(view)).not.toContain("s3cret-community");
    // Sent back as shown, the hidden secret keeps its value.
    expect(
      (
        await put(leaderA, "unit-a", {
          checks: view.checks.slice(1).map((c: { check: unknown }) => c.check),
        })
      ).status,
    ).toBe(200);
    const stored = collector.query<{ body: string }>(
      "SELECT body FROM central_checks WHERE name = 'core-sw'",
    );
    expect(JSON.parse(stored[0]?.body ?? "{}").community).toBe("s3cret-community");
  });

  it("refuses another unit's checks to a unit's user (403), to read and to change", async () => {
    const read = await leaderA.get("/api/v1/units/unit-b/central-checks");
    expect(read.status).toBe(403);
    expect(JSON.parse(read.text).error).toBe(
      "leader-a (unit of unit-a) may not configure unit unit-b",
    );
    const change = await put(leaderA, "unit-b", { checks: [SNMP] });
    expect(change.status).toBe(403);
    expect(collector.query("SELECT * FROM central_checks WHERE unit_id = 'unit-b'")).toEqual([]);
  });

  it("refuses a bad check naming the field, and a name collector.yaml gives the unit", async () => {
    const bad = await put(leaderA, "unit-a", {
      checks: [{ name: "x", category: "nowhere", kind: "tcp" }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(
      /^checks\[0\] \(x\)\.category|^checks\[0\]\.category/,
    );
    const clash = await put(leaderA, "unit-a", {
      checks: [{ name: "portal", category: "website", kind: "tcp", host: "a", port: 1 }],
    });
    expect(clash.status).toBe(409);
    expect(JSON.parse(clash.text).error).toContain('"portal" is a check of collector.yaml');
  });

  it("audits every change with who made it and the checks' names, not their secrets", async () => {
    const db = openDatabase(collector.config.database);
    const audit = listAudit(db).filter((row) => row.action === "central.update");
    db.close();
    expect(audit.map((row) => [row.actor, row.unit, row.detail])).toEqual([
      ["leader-a", "unit-a", { checks: ["core-sw (snmp)"] }],
      ["leader-a", "unit-a", { checks: ["core-sw (snmp)"] }],
    ]);
    expect(JSON.stringify(audit)).not.toContain("s3cret");
  });

  it("sends the checks only to agents that said they take them; addCentralCheck reaches them", async () => {
    const old = new RawAgent(collector.url, collector.enroll("unit-a", "old"));
    await old.hello();
    const fresh = new RawAgent(collector.url, collector.enroll("unit-a", "new"));
    await fresh.opened;
    fresh.send({
      type: "hello",
      v: 1,
      agentVersion: "test",
      hostname: "h",
      os: "linux",
      bootId: "b",
      features: [CENTRAL_CONFIG],
    });
    const first = await fresh.next((m) => m.type === "config");
    expect(first.type === "config" && first.checks.map((c) => c.name)).toEqual([
      "portal",
      "core-sw",
    ]);
    const db = openDatabase(collector.config.database);
    addCentralCheck(db, "unit-a", {
      name: "dc-link",
      category: "datacenter",
      kind: "ping",
      host: "192.0.2.1",
    });
    db.close();
    collector.pushCentralChecks(["unit-a"]);
    const second = await fresh.next(
      (m) => m.type === "config" && m.checks.some((c) => c.name === "dc-link"),
    );
    expect(second.type === "config" && second.hash).not.toBe(first.type === "config" && first.hash);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(old.messages.map((m) => m.type)).toEqual(["welcome"]);
    old.close();
    fresh.close();
  });
});

describe("central checks on the unit page", () => {
  it("shows the form with secrets hidden, saves YAML, and shows a mistake naming the check", async () => {
    const page = await leaderA.get("/units/unit-a");
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="central-checks"');
    expect(page.text).toContain("community: (hidden)");
    expect(page.text).not.toContain("s3cret-community");
    const token = await leaderA.csrf("/units/unit-a");
    const yaml = `- { name: core-sw, category: lan, kind: snmp, host: 192.0.2.2, community: "(hidden)" }
- { name: gateway, category: lan, kind: ping, host: 192.0.2.1 }
`;
    const saved = await leaderA.post("/units/unit-a/central-checks", {
      checks: yaml,
      _csrf: token,
    });
    expect(saved.status).toBe(303);
    const names = collector.query<{ name: string; body: string }>(
      "SELECT name, body FROM central_checks WHERE unit_id = 'unit-a' AND source = 'api' ORDER BY position",
    );
    expect(names.map((r) => r.name)).toEqual(["core-sw", "gateway"]);
    expect(JSON.parse(names[0]?.body ?? "{}").community).toBe("s3cret-community");
    const bad = await leaderA.post("/units/unit-a/central-checks", {
      checks: "- { name: gateway, category: lan, kind: ping, interval: soon }\n",
      _csrf: token,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("checks[0] (gateway).interval");
    const other = await leaderA.post("/units/unit-b/central-checks", {
      checks: yaml,
      _csrf: token,
    });
    expect(other.status).toBe(403);
  });
});
