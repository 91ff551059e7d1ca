// giamsat-collector user add|password|remove|list against a running collector: people log in with
// what was set, mistakes exit 2 naming the option, passwords are stored hashed and never logged.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COLLECTOR_CLI,
  type CollectorProcess,
  runCli,
  startCollectorProcess,
  tempDir,
} from "../../helpers/processes.js";
import { Browser } from "../../helpers/web.js";

const dir = tempDir();
let collector: CollectorProcess;
const PASSWORD = "a long enough password";

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path);
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

function user(args: string[], input = "") {
  return runCli(COLLECTOR_CLI, ["user", ...args, "--config", collector.configFile], { input });
}

describe("giamsat-collector user", () => {
  it("adds a unit leader who can then log in and see the unit, and lists users", async () => {
    const added = await user(
      ["add", "--name", "leader", "--role", "unit", "--unit", "so-tttt", "--leader"],
      `${PASSWORD}\n`,
    );
    expect([added.code, added.stderr]).toEqual([
      0,
      'Added the leader, unit user "leader" of unit "so-tttt".\n',
    ]);
    await user(["add", "--name", "mayor", "--role", "city"], `${PASSWORD}\n`);
    expect((await user(["list"])).stdout).toBe("leader\tunit (leader)\tso-tttt\nmayor\tcity\t-\n");

    const browser = new Browser(collector.url);
    expect((await browser.login("leader", PASSWORD)).status).toBe(303);
    expect((await browser.get("/units/so-tttt")).status).toBe(200);
    expect((await browser.get("/units/quan-hai-chau")).status).toBe(403);
  });

  it.each([
    [
      ["add", "--name", "x", "--role", "king"],
      PASSWORD,
      '--role: must be one of city, unit, operator, admin, got "king"',
    ],
    [
      ["add", "--name", "x", "--role", "unit"],
      PASSWORD,
      "--unit: a user of role unit needs the unit's id",
    ],
    [
      ["add", "--name", "x", "--role", "city", "--unit", "so-tttt"],
      PASSWORD,
      "--unit: only users of role unit belong to one unit, not city",
    ],
    [
      ["add", "--name", "x", "--role", "unit", "--unit", "nope"],
      PASSWORD,
      '--unit: no unit "nope" in the config\'s units',
    ],
    [
      ["add", "--name", "bad name", "--role", "city"],
      PASSWORD,
      `--name: "bad name" must be 1-64 letters, digits, '_', '.', '@' or '-'`,
    ],
    [["add", "--name", "x", "--role", "city"], "short", "password: at least 12 characters, please"],
    [["add", "--name", "x", "--role", "city"], "", "password: none given on standard input"],
    [["add", "--name", "mayor", "--role", "city"], PASSWORD, 'user "mayor" exists already'],
    [
      ["add", "--name", "x", "--role", "city", "--leader"],
      PASSWORD,
      "--leader: only a unit's user can be its leader, not a city user",
    ],
    [["remove", "--name", "nobody"], "", 'no user "nobody"'],
    [["fly"], "", 'unknown user command "fly" (add, password, remove, list)'],
  ])("user %j with input %j exits 2", async (args, input, message) => {
    const result = await user(args as string[], `${input}\n`);
    expect([result.code, result.stderr]).toEqual([2, `${message}\n`]);
  });

  it("changes a password, which ends the user's sessions, and removes a user", async () => {
    const browser = new Browser(collector.url);
    await browser.login("mayor", PASSWORD);
    expect((await browser.get("/")).status).toBe(200);
    const changed = await user(["password", "--name", "mayor"], "another long password\n");
    expect(changed.code).toBe(0);
    expect((await browser.get("/")).status).toBe(303);
    expect((await browser.login("mayor", PASSWORD)).status).toBe(401);
    expect((await browser.login("mayor", "another long password")).status).toBe(303);

    expect((await user(["remove", "--name", "mayor"])).code).toBe(0);
    expect((await browser.get("/")).status).toBe(303);
    expect((await new Browser(collector.url).login("mayor", "another long password")).status).toBe(
      401,
    );
  });

  it("stores only scrypt hashes, logs no password, and audits every change", () => {
    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const stored = db.prepare("SELECT password FROM users").all() as { password: string }[];
    const audit = db.prepare("SELECT action, target, unit_id AS unit FROM audit ORDER BY id").all();
    db.close();
    for (const row of stored)
      expect(row.password).toMatch(/^scrypt\$32768\$8\$3\$[^$]{24}\$[^$]{44}$/);
    expect(audit).toEqual([
      { action: "user.add", target: "leader", unit: "so-tttt" },
      { action: "user.add", target: "mayor", unit: null },
      { action: "user.password", target: "mayor", unit: null },
      { action: "user.remove", target: "mayor", unit: null },
    ]);
    const logs = collector.program.output();
    expect(logs).toContain('"msg":"login failed"');
    for (const secret of [PASSWORD, "another long password"]) expect(logs).not.toContain(secret);
  });
});
