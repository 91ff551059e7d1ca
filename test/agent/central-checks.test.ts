// The agent's side of central checks: the set is validated with the probes' schemas as agent.yaml's
// checks are, a name of agent.yaml (or "host") refuses the whole set, dependsOn may name agent.yaml's
// checks, and the last good set is written whole and read back.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  centralChecksFile,
  parseCentralChecks,
  readCentralChecks,
  saveCentralChecks,
} from "../../agent/central-checks.js";
import type { CheckBase } from "../../shared/config/agent.js";
import { tempDir } from "../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const LOCAL: CheckBase[] = [
  { name: "host", category: "equipment", kind: "host", interval: 60_000, timeout: 10_000 },
  { name: "gateway", category: "lan", kind: "ping", interval: 60_000, timeout: 10_000 },
];
const portal = { name: "portal", category: "website", kind: "http", url: "https://example.test/" };

describe("central checks on the agent", () => {
  it("takes a good set, with the schema's defaults, and dependsOn naming agent.yaml's checks", () => {
    const parsed = parseCentralChecks(
      "h1",
      [{ ...portal, dependsOn: ["gateway"] }],
      LOCAL,
      dir.path,
    );
    if (!("set" in parsed)) throw new Error(parsed.errors.join("\n"));
    expect(parsed.set.checks[0]).toMatchObject({
      name: "portal",
      interval: 60_000,
      timeout: 10_000,
    });
  });

  it("refuses the set for a name of agent.yaml, naming the check", () => {
    const parsed = parseCentralChecks(
      "h2",
      [portal, { ...portal, name: "gateway" }],
      LOCAL,
      dir.path,
    );
    expect(parsed).toEqual({
      errors: [
        'central checks: checks[1] (gateway): "gateway" is also a check of agent.yaml; rename one of them',
      ],
    });
  });

  it("refuses what the probe's schema refuses, in agent.yaml's words", () => {
    const parsed = parseCentralChecks(
      "h3",
      [{ name: "mail", category: "shared_software", kind: "tcp", host: "mail.example.test" }],
      LOCAL,
      dir.path,
    );
    expect(parsed).toEqual({ errors: ["central checks: checks[0] (mail).port: is required"] });
    const unknown = parseCentralChecks("h4", [{ ...portal, kind: "telnet" }], LOCAL, dir.path);
    expect("errors" in unknown && unknown.errors[0]).toMatch(
      /^central checks: checks\[0\] \(portal\)\.kind/,
    );
  });

  it("keeps the last good set whole, readable by the agent's user only, and reads it back", () => {
    const file = centralChecksFile(join(dir.path, "agent-buffer.db"));
    expect(file).toBe(join(dir.path, "agent-buffer.central-checks.json"));
    expect(readCentralChecks(file)).toBeUndefined();
    const parsed = parseCentralChecks("h5", [portal], LOCAL, dir.path);
    if (!("set" in parsed)) throw new Error("refused");
    saveCentralChecks(file, parsed.set);
    expect(readCentralChecks(file)).toEqual({ hash: "h5", checks: [portal] });
    writeFileSync(file, "{not json");
    expect(() => readCentralChecks(file)).toThrow();
  });
});
