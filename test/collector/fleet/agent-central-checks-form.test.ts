// The unit page's form of each agent's own central checks, against a running collector: a unit's
// user sees one form an enrolled agent with its secrets hidden, saving changes that agent's checks
// and not another's (a secret sent back as (hidden) kept, the change audited), a name of the
// unit's checks shows the API's error, and another unit's user gets 403.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

let collector: TestCollector;
let leaderA: Browser;
let leaderB: Browser;

const SNMP = {
  name: "printer",
  category: "equipment",
  kind: "snmp",
  host: "192.0.2.9",
  community: "s3cret-community",
};

/** The agent's checks of the web and the API as stored, in order. */
const stored = (agent: string) =>
  collector.query<{ name: string; body: string }>(
    `SELECT name, body FROM agent_central_checks
     WHERE unit_id = 'unit-a' AND agent_name = '${agent}' AND source = 'api' ORDER BY position`,
  );

beforeAll(async () => {
  collector = await testCollector({
    units: [
      {
        id: "unit-a",
        checks: [
          { name: "portal", category: "website", kind: "http", url: "https://example.test/" },
        ],
      },
      { id: "unit-b" },
    ],
  });
  collector.enroll("unit-a", "pc-1");
  collector.enroll("unit-a", "pc-2");
  await addUsers(collector.config.database, [
    { name: "leader-a", role: "unit", unit: "unit-a" },
    { name: "leader-b", role: "unit", unit: "unit-b" },
  ]);
  leaderA = new Browser(collector.url);
  expect((await leaderA.login("leader-a", PASSWORD)).status).toBe(303);
  leaderB = new Browser(collector.url);
  expect((await leaderB.login("leader-b", PASSWORD)).status).toBe(303);
  const csrf = await leaderA.csrf();
  const put = await leaderA.request(
    "PUT",
    "/api/v1/units/unit-a/agents/pc-1/central-checks",
    JSON.stringify({ checks: [SNMP] }),
    { "Content-Type": "application/json", "X-CSRF-Token": csrf },
  );
  expect(put.status).toBe(200);
});
afterAll(() => collector.stop());

describe("an agent's central checks on the unit page", () => {
  it("shows a form per enrolled agent, its secrets hidden, in Vietnamese and English", async () => {
    const page = await leaderA.get("/units/unit-a");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Kiểm tra riêng của máy giám sát pc-1");
    expect(page.text).toContain("Kiểm tra riêng của máy giám sát pc-2");
    expect(page.text).toContain('action="/units/unit-a/agents/pc-1/central-checks"');
    expect(page.text).toContain("community: (hidden)");
    expect(page.text).not.toContain("s3cret-community");
    const english = await leaderA.get("/units/unit-a?lang=en");
    expect(english.text).toContain("Checks of agent pc-2 only");
    expect(english.text).toContain("may not be one of the unit&#39;s checks");
    // A user who may not change the unit's checks sees no form of its agents.
    expect((await leaderB.get("/units/unit-b")).text).not.toContain("/agents/");
  });

  it("saves that agent's checks, keeping a hidden secret, and not another agent's", async () => {
    const token = await leaderA.csrf("/units/unit-a");
    const yaml = `- { name: printer, category: equipment, kind: snmp, host: 192.0.2.9, community: "(hidden)" }
- { name: nas, category: lan, kind: ping, host: 192.0.2.10 }
`;
    const saved = await leaderA.post("/units/unit-a/agents/pc-1/central-checks", {
      checks: yaml,
      _csrf: token,
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/units/unit-a#central-checks-pc-1");
    expect(stored("pc-1").map((row) => row.name)).toEqual(["printer", "nas"]);
    expect(JSON.parse(stored("pc-1")[0]?.body ?? "{}").community).toBe("s3cret-community");
    expect(stored("pc-2")).toEqual([]);
    const page = await leaderA.get("/units/unit-a");
    expect(page.text).toContain("name: nas");
    const db = openDatabase(collector.config.database);
    const audit = listAudit(db).filter((row) => row.action === "central.update");
    db.close();
    expect(audit.map((row) => [row.actor, row.target])).toContainEqual([
      "leader-a",
      "central checks of agent pc-1",
    ]);
    expect(JSON.stringify(audit)).toContain("nas (ping)");
    expect(JSON.stringify(audit)).not.toContain("s3cret-community");
  });

  it("shows the API's error for a name of the unit's checks, and changes nothing", async () => {
    const token = await leaderA.csrf("/units/unit-a");
    const clash = await leaderA.post("/units/unit-a/agents/pc-2/central-checks", {
      checks: "- { name: portal, category: lan, kind: ping, host: 192.0.2.1 }\n",
      _csrf: token,
    });
    expect(clash.status).toBe(400);
    expect(clash.text).toContain(
      "checks: &quot;portal&quot; is also in units (unit-a).checks; agent pc-2 runs its unit&#39;s checks and its own as one set: choose another name",
    );
    expect(stored("pc-2")).toEqual([]);
  });

  it("refuses another unit's user (403) and changes nothing", async () => {
    const token = await leaderB.csrf("/units/unit-b");
    const other = await leaderB.post("/units/unit-a/agents/pc-2/central-checks", {
      checks: "- { name: nas, category: lan, kind: ping, host: 192.0.2.10 }\n",
      _csrf: token,
    });
    expect(other.status).toBe(403);
    expect(stored("pc-2")).toEqual([]);
  });
});
