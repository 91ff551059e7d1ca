// Checks of one agent beside its unit's, in-process on a real SQLite file: the agent is sent one
// set (the unit's, then its own) and another agent of the unit is not; a name in both sets is an
// error naming both places, at load, at SIGHUP against the API's checks, and from the API.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../../collector/config.js";
import { type Db, openDatabase } from "../../../collector/db/database.js";
import { replaceApiAgentChecks } from "../../../collector/fleet/agent-checks.js";
import {
  centralConfigOf,
  replaceApiChecks,
  syncConfigChecks,
} from "../../../collector/fleet/central-checks.js";
import { syncUnits } from "../../../collector/inspection/units.js";
import type { CentralCheck } from "../../../shared/config/central-checks.js";
import { collectorConfigSchema, type UnitConfig } from "../../../shared/config/collector.js";
import { tempDir } from "../../helpers/processes.js";

const PORTAL: CentralCheck = {
  name: "portal",
  category: "website",
  kind: "http",
  url: "https://example.test/",
};
const PRINTER: CentralCheck = { name: "printer", category: "lan", kind: "ping", host: "192.0.2.9" };
const DNS: CentralCheck = {
  name: "dns",
  category: "lan",
  kind: "tcp",
  host: "192.0.2.53",
  port: 53,
};

const units = (agents: Record<string, { checks: unknown[] }>): UnitConfig[] =>
  collectorConfigSchema.parse({
    listen: "127.0.0.1:0",
    database: ":memory:",
    units: [{ id: "so-tttt", checks: [PORTAL], agents }, { id: "quan-hai-chau" }],
  }).units;

let dir: ReturnType<typeof tempDir>;
let db: Db;
const names = (agent?: string) =>
  centralConfigOf(db, "so-tttt", agent).checks.map((check) => check.name);

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir.path, "collector.db"));
  syncUnits(db, units({}), 1);
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe("checks of one agent", () => {
  it("sends an agent its unit's checks then its own; another agent of the unit gets the unit's", () => {
    expect(syncConfigChecks(db, units({ "pc-02": { checks: [PRINTER] } }), 2)).toEqual(["so-tttt"]);
    expect(names("pc-02")).toEqual(["portal", "printer"]);
    expect(centralConfigOf(db, "so-tttt", "pc-02").own).toBe(1);
    expect(names("pc-01")).toEqual(["portal"]);
    expect(centralConfigOf(db, "so-tttt", "pc-01").hash).toBe(centralConfigOf(db, "so-tttt").hash);
    // The API adds after collector.yaml's; an unchanged file at SIGHUP changes nothing.
    replaceApiAgentChecks(db, { unit: "so-tttt", agent: "pc-02" }, [DNS], "operator", 3);
    expect(names("pc-02")).toEqual(["portal", "printer", "dns"]);
    expect(syncConfigChecks(db, units({ "pc-02": { checks: [PRINTER] } }), 4)).toEqual([]);
    // An agent's check taken out of the file goes at SIGHUP, its unit's agents are sent again.
    expect(syncConfigChecks(db, units({}), 5)).toEqual(["so-tttt"]);
    expect(names("pc-02")).toEqual(["portal", "dns"]);
  });

  it("refuses at load a name that is in both the unit's and an agent's checks, naming both", () => {
    const file = join(dir.path, "collector.yaml");
    writeFileSync(
      file,
      `listen: "127.0.0.1:0"
database: ":memory:"
units:
  - id: so-tttt
    checks:
      - { name: portal, category: website, kind: http, url: "https://example.test/" }
    agents:
      pc-02:
        checks:
          - { name: portal, category: website, kind: tcp, host: 192.0.2.1, port: 443 }
`,
    );
    expect(() => loadCollectorConfig(file)).toThrow(
      `${file}: units[0].agents.pc-02.checks[0] (portal).name: "portal" is also in units (so-tttt).checks: the agent runs both as one set; rename one`,
    );
  });

  it("refuses at SIGHUP an agent's check named as one of the API's, and keeps what ran", () => {
    syncConfigChecks(db, units({ "pc-02": { checks: [PRINTER] } }), 2);
    replaceApiChecks(db, "so-tttt", [DNS], "operator", 3);
    expect(() => syncConfigChecks(db, units({ "pc-02": { checks: [PRINTER, DNS] } }), 4)).toThrow(
      'collector.yaml: units (so-tttt).agents.pc-02.checks: "dns" is also in the central checks of unit so-tttt added on the web or the API; the agent runs both as one set: rename one',
    );
    expect(names("pc-02")).toEqual(["portal", "dns", "printer"]);
    // The other way round: the unit's check in the file named as an agent's of the API.
    replaceApiChecks(db, "so-tttt", [], "operator", 5);
    replaceApiAgentChecks(db, { unit: "so-tttt", agent: "pc-01" }, [DNS], "operator", 6);
    const withDns = units({}).map((unit) => ({ ...unit, checks: [PORTAL, DNS] }));
    expect(() => syncConfigChecks(db, withDns, 7)).toThrow(
      'collector.yaml: units (so-tttt).checks: "dns" is also a check of agent pc-01 added through the API',
    );
    expect(names("pc-01")).toEqual(["portal", "dns"]);
  });

  it("refuses from the API a name of the other set (400) and a name collector.yaml gives (409)", () => {
    syncConfigChecks(db, units({ "pc-02": { checks: [PRINTER] } }), 2);
    const status = (act: () => void) => {
      try {
        act();
      } catch (error) {
        return [(error as { status?: number }).status, (error as Error).message];
      }
      return [200, ""];
    };
    const at = { unit: "so-tttt", agent: "pc-02" };
    expect(status(() => replaceApiAgentChecks(db, at, [PORTAL], "op", 3))).toEqual([
      400,
      `checks: "portal" is also in units (so-tttt).checks; agent pc-02 runs its unit's checks and its own as one set: choose another name`,
    ]);
    expect(status(() => replaceApiAgentChecks(db, at, [PRINTER], "op", 3))[0]).toBe(409);
    expect(status(() => replaceApiChecks(db, "so-tttt", [PRINTER], "op", 3))).toEqual([
      400,
      `checks: "printer" is a central check of agent pc-02 of unit so-tttt; the agent runs its unit's checks and its own as one set: choose another name`,
    ]);
    expect(names("pc-02")).toEqual(["portal", "printer"]);
  });
});
