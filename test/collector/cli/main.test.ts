// giamsat-collector's commands: config errors exit 2 naming file and field; enroll/revoke; schema guard.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { COLLECTOR_CLI, runCli, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

function config(name: string, body: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, body);
  return file;
}

const GOOD = `listen: "127.0.0.1:0"
database: "./good.db"
units:
  - { id: so-tttt, name: "Sở Thông tin và Truyền thông" }
`;

describe("giamsat-collector", () => {
  it.each([
    ['listen: "8080"\n', 'listen: invalid listen address "8080" (write host:port)'],
    [
      "units:\n  - { id: So_TTTT, name: x }\n",
      "units[0].id: must be lower-case letters, digits and '-' ([a-z0-9-]+)",
    ],
    [
      "units:\n  - { id: a, name: x }\n  - { id: a, name: y }\n",
      'units[1].id: duplicate unit id "a"',
    ],
    [
      "units:\n  - { id: a, name: x, kind: ministry }\n",
      'units[0].kind: must be one of "department", "district", "agency", "other", got "ministry"',
    ],
    [
      'units:\n  - { id: a, discovery: { networks: ["10.20.1.0/24"], schedule: { every: daily, at: "02:00", networks: ["10.20.2.0/24"] } } }\n',
      "units[0].discovery.schedule.networks[0]: 10.20.2.0/24 is not among the unit's networks (10.20.1.0/24): add it to discovery.networks if the unit owns it, or take it out of the schedule",
    ],
    [
      'listen: "0.0.0.0:8080"\nweb: { auth: false }\n',
      "web.auth: false is allowed only while listening on loopback, not on 0.0.0.0",
    ],
  ])("refuses %j with exit 2 and the field named", async (body, message) => {
    const file = config("bad.yaml", body);
    const result = await runCli(COLLECTOR_CLI, ["serve", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${file}: ${message}\n`);
  });

  it("enrolls an agent once, prints its token inside a ready agent.yaml, and revokes it", async () => {
    const file = config("good.yaml", GOOD);
    const enrolled = await runCli(COLLECTOR_CLI, [
      "enroll",
      "--config",
      file,
      "--unit",
      "so-tttt",
      "--name",
      "pc-01",
    ]);
    expect(enrolled.code).toBe(0);
    const token = /token: "(gsat_[A-Za-z0-9_-]{43})"/.exec(enrolled.stdout)?.[1];
    expect(token).toBeDefined();
    expect(enrolled.stdout).toMatch(/^collector: "ws:\/\/127\.0\.0\.1:0\/agent"$/m);
    const again = await runCli(COLLECTOR_CLI, [
      "enroll",
      "--config",
      file,
      "--unit",
      "so-tttt",
      "--name",
      "pc-01",
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already enrolled/);
    const noUnit = await runCli(COLLECTOR_CLI, [
      "enroll",
      "--config",
      file,
      "--unit",
      "nope",
      "--name",
      "pc-01",
    ]);
    expect(noUnit.code).toBe(2);
    expect(noUnit.stderr).toBe('--unit: no unit "nope" in the config\'s units\n');

    const db = new Database(join(dir.path, "good.db"), { readonly: true });
    const stored = db.prepare("SELECT hex(hash) AS h FROM tokens").all() as { h: string }[];
    db.close();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.h).not.toContain(
      Buffer.from(token ?? "")
        .toString("hex")
        .toUpperCase(),
    );

    expect(
      (
        await runCli(COLLECTOR_CLI, [
          "revoke",
          "--config",
          file,
          "--unit",
          "so-tttt",
          "--name",
          "pc-01",
        ])
      ).code,
    ).toBe(0);
    const twice = await runCli(COLLECTOR_CLI, [
      "revoke",
      "--config",
      file,
      "--unit",
      "so-tttt",
      "--name",
      "pc-01",
    ]);
    expect(twice.code).toBe(2);
  });

  it("refuses a database written by a newer version with a clear message", async () => {
    const file = config("newer.yaml", GOOD.replace("good.db", "newer.db"));
    const db = new Database(join(dir.path, "newer.db"));
    db.pragma("user_version = 999");
    db.close();
    const result = await runCli(COLLECTOR_CLI, [
      "enroll",
      "--config",
      file,
      "--unit",
      "so-tttt",
      "--name",
      "x",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/written by a newer giamsat \(schema 999/);
  });

  it("prints help with exit 0 and exits 2 without a command", async () => {
    expect((await runCli(COLLECTOR_CLI, ["--help"])).code).toBe(0);
    expect((await runCli(COLLECTOR_CLI, [])).code).toBe(2);
  });

  it("prints help for every command given --help, without asking for --config", async () => {
    for (const command of [
      "serve",
      "enroll",
      "revoke",
      "rotate",
      "export",
      "user",
      "user add",
      "notify",
      "notify test",
    ]) {
      const result = await runCli(COLLECTOR_CLI, [...command.split(" "), "--help"]);
      expect({ command, code: result.code }).toEqual({ command, code: 0 });
      expect(result.stdout).toContain("Usage:");
    }
  });
});
