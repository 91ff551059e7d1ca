// Central checks are judged at the collector with the schemas the agent parses them with: a bad
// field of a kind (http's url, ping's count, snmp v3's user) or an unknown kind is refused where
// it is written (the JSON API, the unit page's forms, collector.yaml) naming the check and the field;
// a secret sent back as (hidden) is judged with its stored value; and a check stored before these
// rules, which they refuse, is still listed, with what is wrong with it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../../collector/config.js";
import { openDatabase } from "../../../collector/db/database.js";
import { centralChecksApi } from "../../helpers/central-checks-api.js";
import type { TestCollector } from "../../helpers/collector.js";
import { tempDir } from "../../helpers/processes.js";
import type { Browser } from "../../helpers/web.js";

let collector: TestCollector;
let leaderA: Browser;
let csrf = "";

const put = (path: string, checks: unknown[]) =>
  leaderA.request("PUT", `/api/v1/units/unit-a${path}/central-checks`, JSON.stringify({ checks }), {
    "Content-Type": "application/json",
    "X-CSRF-Token": csrf,
  });
const errorOf = (answer: { text: string }) => JSON.parse(answer.text).error as string;

const BAD_URL = { name: "portal-2", category: "website", kind: "http", url: "not a url" };
const URL_ERROR = 'checks[0] (portal-2).url: must be an http:// or https:// URL, got "not a url"';
const NO_PACKETS = { name: "gateway", category: "lan", kind: "ping", host: "192.0.2.1", count: 0 };
const V3_WITHOUT_USER = {
  name: "core-sw",
  category: "lan",
  kind: "snmp",
  host: "192.0.2.2",
  version: "3",
};

beforeAll(async () => {
  ({ collector, leaderA, csrf } = await centralChecksApi());
  collector.enroll("unit-a", "pc-1");
});
afterAll(() => collector.stop());

describe("central checks refused at the API", () => {
  it("names the check and the field of a bad http url, ping count and snmp v3 user", async () => {
    const url = await put("", [BAD_URL]);
    expect(url.status).toBe(400);
    expect(errorOf(url)).toBe(URL_ERROR);
    const count = await put("", [NO_PACKETS]);
    expect(count.status).toBe(400);
    expect(errorOf(count)).toBe("checks[0] (gateway).count: Too small: expected number to be >=1");
    const user = await put("/agents/pc-1", [V3_WITHOUT_USER]);
    expect(user.status).toBe(400);
    expect(errorOf(user)).toBe('checks[0] (core-sw).user: is required with version "3"');
    expect(collector.query("SELECT name FROM central_checks WHERE source = 'api'")).toEqual([]);
    expect(collector.query("SELECT name FROM agent_central_checks")).toEqual([]);
  });

  it("lists the known kinds for an unknown kind", async () => {
    const answer = await put("", [{ name: "web", category: "website", kind: "htpp" }]);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toBe(
      'checks[0] (web).kind: unknown kind "htpp": write one of host, ping, snmp, printer, ups, http, tls, tcp, dns, process',
    );
  });

  it("judges a secret sent back as (hidden) with its stored value", async () => {
    const withHeaders = {
      name: "intranet",
      category: "online_app",
      kind: "http",
      url: "https://intranet.example.test/",
      headers: { Authorization: "Bearer s3cret-token" },
    };
    expect((await put("", [withHeaders])).status).toBe(200);
    const view = JSON.parse((await leaderA.get("/api/v1/units/unit-a/central-checks")).text);
    const shown = view.checks.find((c: { check: { name: string } }) => c.check.name === "intranet");
    // The headers read (hidden): a text where the schema wants a mapping, valid once restored.
    expect(shown.check.headers).toBe("(hidden)");
    expect((await put("", [shown.check])).status).toBe(200);
    const stored = collector.query<{ body: string }>(
      "SELECT body FROM central_checks WHERE name = 'intranet'",
    );
    expect(JSON.parse(stored[0]?.body ?? "{}").headers).toEqual({
      Authorization: "Bearer s3cret-token",
    });
    expect((await put("", [])).status).toBe(200);
  });
});

describe("central checks refused on the unit page", () => {
  it("shows the check and the field of a bad http url on the unit's and an agent's form", async () => {
    const token = await leaderA.csrf("/units/unit-a");
    const yaml = '- { name: portal-2, category: website, kind: http, url: "not a url" }\n';
    for (const action of [
      "/units/unit-a/central-checks",
      "/units/unit-a/agents/pc-1/central-checks",
    ]) {
      const answer = await leaderA.post(action, { checks: yaml, _csrf: token });
      expect(answer.status, action).toBe(400);
      expect(answer.text, action).toContain(
        "checks[0] (portal-2).url: must be an http:// or https:// URL, got &quot;not a url&quot;",
      );
    }
  });
});

describe("a stored check the rules refuse", () => {
  it("is still listed by the API and on the unit page, with what is wrong with it", async () => {
    const db = openDatabase(collector.config.database);
    db.prepare(
      `INSERT INTO central_checks (unit_id, name, source, position, body, updated_at, updated_by)
       VALUES ('unit-a', 'portal-2', 'api', 0, ?, 1, 'leader-a')`,
    ).run(JSON.stringify(BAD_URL));
    db.close();
    const answer = await leaderA.get("/api/v1/units/unit-a/central-checks");
    expect(answer.status).toBe(200);
    const old = JSON.parse(answer.text).checks.find(
      (c: { check: { name: string } }) => c.check.name === "portal-2",
    );
    expect(old?.problems).toEqual(['url: must be an http:// or https:// URL, got "not a url"']);
    const page = await leaderA.get("/units/unit-a");
    expect(page.status).toBe(200);
    expect(page.text).toContain("portal-2: url: must be an http:// or https:// URL");
    expect(page.text).toContain("url: not a url");
  });
});

describe("central checks refused in collector.yaml", () => {
  it("names the path of a bad field of a unit's check and of an agent's check", () => {
    const dir = tempDir();
    const file = join(dir.path, "collector.yaml");
    writeFileSync(
      file,
      `units:
  - id: so-tttt
    checks:
      - { name: portal, category: website, kind: http, url: "not a url" }
    agents:
      pc-02:
        checks:
          - { name: gateway, category: lan, kind: ping, host: 192.0.2.1, count: 0 }
          - { name: core-sw, category: lan, kind: snmp, host: 192.0.2.2, version: 3 }
`,
    );
    try {
      expect(() => loadCollectorConfig(file)).toThrow(
        [
          `${file}: units[0].checks[0] (portal).url: must be an http:// or https:// URL, got "not a url"`,
          `${file}: units[0].agents.pc-02.checks[0] (gateway).count: Too small: expected number to be >=1`,
          `${file}: units[0].agents.pc-02.checks[1] (core-sw).user: is required with version "3"`,
        ].join("\n"),
      );
    } finally {
      dir.remove();
    }
  });
});
