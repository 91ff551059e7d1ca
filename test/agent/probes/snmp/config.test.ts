// snmp checks in agent.yaml: defaults from the schema, and one line naming the field for each mistake.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../../agent/config.js";
import { ConfigError } from "../../../../shared/errors.js";
import { AGENT_CLI, runCli, tempDir } from "../../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const BASE = `collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\nhost: false\n`;

function errorOf(body: string): string {
  const file = join(dir.path, "agent.yaml");
  writeFileSync(file, BASE + body);
  try {
    loadAgentConfig(file, {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replace(file, "agent.yaml");
  }
  throw new Error("config was accepted");
}

const SNMP = "checks:\n  - { name: sw, category: lan, kind: snmp, host: 10.0.0.2";

describe("snmp checks in agent.yaml", () => {
  it("fills the defaults from the schema", () => {
    const file = join(dir.path, "defaults.yaml");
    writeFileSync(
      file,
      `${BASE}${SNMP} }\n  - { name: r, category: lan, kind: snmp, host: r.example, version: 3, user: m }\n`,
    );
    const [v2c, v3] = loadAgentConfig(file, {}).checks;
    expect(v2c).toEqual({
      name: "sw",
      category: "lan",
      kind: "snmp",
      host: "10.0.0.2",
      port: 161,
      version: "2c",
      community: "public",
      interfaces: true,
      oids: [],
      interval: 60_000,
      timeout: 10_000,
      inventoryInterval: 86_400_000,
    });
    expect(v3).toMatchObject({ name: "r", version: "3", user: "m" });
  });

  it.each([
    [", version: 3 }", 'agent.yaml: checks[0] (sw).user: is required with version "3"'],
    [
      ', version: "3", user: m, authProtocol: sha }',
      "agent.yaml: checks[0] (sw).authKey: is required with authProtocol",
    ],
    [
      ', version: "3", user: m, authProtocol: sha, authKey: abcdefgh, privProtocol: aes }',
      "agent.yaml: checks[0] (sw).privKey: is required with privProtocol",
    ],
    [
      ', version: "3", user: m, privProtocol: aes, privKey: abcdefgh }',
      "agent.yaml: checks[0] (sw).authProtocol: is required with privProtocol (SNMPv3 has no privacy without authentication)",
    ],
    [
      ', version: "3", user: m, authProtocol: sha, authKey: short }',
      "agent.yaml: checks[0] (sw).authKey: must be at least 8 characters (RFC 3414 section 11.2)",
    ],
    [
      ', version: "3", user: m, authProtocol: sha1, authKey: abcdefgh }',
      'agent.yaml: checks[0] (sw).authProtocol: must be one of "md5", "sha", "sha224", "sha256", "sha384", "sha512", got "sha1"',
    ],
    [
      ", version: 2 }",
      'agent.yaml: checks[0] (sw).version: must be one of "1", "2c", "3", got "2"',
    ],
    [
      ", user: m }",
      'agent.yaml: checks[0] (sw).user: is only used with version "3" (this check has version "2c")',
    ],
    [", comunity: x }", 'agent.yaml: checks[0] (sw): unknown key "comunity"'],
    [
      ", oids: [{ oid: 1.3.6.1.2.1.1.7.0, metric: sys_services }] }",
      "agent.yaml: checks[0] (sw).oids[0].metric: must start with giamsat_",
    ],
    [
      ", oids: [{ oid: 1.3.6.1.2.1.1.7.0, metric: giamsat_snmp_uptime_seconds }] }",
      "agent.yaml: checks[0] (sw).oids[0].metric: is a built-in metric; choose another name",
    ],
    [
      ", oids: [{ oid: sysServices.0, metric: giamsat_x }] }",
      "agent.yaml: checks[0] (sw).oids[0].oid: must be a numeric OID such as 1.3.6.1.2.1.1.7.0",
    ],
    [
      ", oids: [{ oid: 1.3.6.1.2.1.1.7.0, metric: giamsat_x, labels: { check: a } }] }",
      "agent.yaml: checks[0] (sw).oids[0].labels.check: is set by giamsat",
    ],
    [
      ", oids: [{ oid: 1.3.6.1.2.1.1.7.0, metric: giamsat_x }, { oid: 1.3.6.1.2.1.1.3.0, metric: giamsat_x }] }",
      "agent.yaml: checks[0] (sw).oids[1].metric: same metric and labels as oids[0]",
    ],
  ])("refuses %j", (extra, message) => {
    expect(errorOf(`${SNMP}${extra}\n`)).toBe(message);
  });

  it("giamsat-agent check exits 2 naming checks[0].user for v3 without a user", async () => {
    const file = join(dir.path, "bad-snmp.yaml");
    writeFileSync(
      file,
      `${BASE}${SNMP}, version: "3", authProtocol: sha256, authKey: abcdefgh }\n`,
    );
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${file}: checks[0] (sw).user: is required with version "3"\n`);
  });
});
