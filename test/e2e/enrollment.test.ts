// Enrollment with a unit's code, as people do it: the operator makes a code with the collector's CLI
// (or a unit's user on the web), unit IT staff run `giamsat-agent enroll` with it; each agent gets a
// token of its own, named after its host, under the code's unit, and connects with it. A code allows
// its uses and no more, expires and can be revoked (agents it enrolled keep working); a unit's user
// makes codes for that unit only; every step is in the audit log; bad codes from one address are
// held back.
import { copyFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EnrollmentCodes } from "../../collector/agents/enrollment-codes.js";
import { openDatabase } from "../../collector/db/database.js";
import { agentNameFor } from "../../shared/enrollment.js";
import { createCa, daysFromNow } from "../helpers/certificates.js";
import { RawAgent, testCollector } from "../helpers/collector.js";
import { visibleText } from "../helpers/pages.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  COLLECTOR_CLI,
  type CollectorProcess,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
} from "../helpers/processes.js";
import { addUsers, Browser, PASSWORD } from "../helpers/web.js";

const dir = tempDir("giamsat-enroll-");
let collector: CollectorProcess;
let agentUrl: string;

const UNITS = `units:
  - { id: so-tttt, name: "Sở Thông tin và Truyền thông" }
  - { id: quan-hai-chau, name: "UBND quận Hải Châu" }
`;

async function makeCode(...args: string[]) {
  const made = await runCli(COLLECTOR_CLI, [
    "enroll-code",
    "--config",
    collector.configFile,
    ...args,
  ]);
  expect(made.stderr).toMatch(/It is shown only now/);
  expect(made.code).toBe(0);
  return made.stdout.trim();
}

function enroll(code: string, config: string) {
  return runCli(AGENT_CLI, [
    "enroll",
    "--collector",
    agentUrl,
    "--code",
    code,
    "--config",
    join(dir.path, config),
  ]);
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = openDatabase(join(dir.path, "collector.db"), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path, UNITS);
  agentUrl = `${collector.url.replace(/^http/, "ws")}/agent`;
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

describe("an enrollment code", () => {
  const base = agentNameFor(hostname());

  it("with 2 uses enrolls two agents and refuses a third", async () => {
    const code = await makeCode("--unit", "so-tttt", "--uses", "2", "--expires", "7d");
    expect(code).toMatch(/^gse-[a-z2-7]{8}-[a-z2-7]{26}$/);

    const first = await enroll(code, "a1.yaml");
    expect(first.stderr).toContain(`Enrolled as agent "${base}" of unit "so-tttt"`);
    expect(first.code).toBe(0);
    const second = await enroll(code, "a2.yaml");
    expect(second.stderr).toContain(`Enrolled as agent "${base}-2" of unit "so-tttt"`);
    const third = await enroll(code, "a3.yaml");
    expect(third.code).toBe(1);
    expect(third.stderr).toBe(
      "error: the collector refused the enrollment: this enrollment code has been used as many times as it allows: ask for a new one\n",
    );
    expect(existsSync(join(dir.path, "a3.yaml"))).toBe(false);

    // Each agent has its own token, not the code, in a file only its owner reads.
    const one = readFileSync(join(dir.path, "a1.yaml"), "utf8");
    const two = readFileSync(join(dir.path, "a2.yaml"), "utf8");
    const token = (text: string) => /token: "([^"]+)"/.exec(text)?.[1];
    expect(token(one)).toMatch(/^gsat_/);
    expect(token(one)).not.toBe(token(two));
    expect(one).not.toContain(code);
    expect(statSync(join(dir.path, "a1.yaml")).mode & 0o777).toBe(0o600);
    expect(one).toContain(`# Enrolled as agent "${base}" of unit "so-tttt".`);

    const agents = query<{ unit: string; name: string; hostname: string }>(
      "SELECT unit_id AS unit, name, hostname FROM agents ORDER BY id",
    );
    expect(agents).toEqual([
      { unit: "so-tttt", name: base, hostname: hostname() },
      { unit: "so-tttt", name: `${base}-2`, hostname: hostname() },
    ]);

    // The enrolled agent runs with what enroll wrote, and the collector names it.
    const agent = startProgram(AGENT_CLI, ["run", "--config", join(dir.path, "a1.yaml")]);
    try {
      const connected = await agent.waitForLog((l) => l.msg === "connected to the collector");
      expect(connected).toMatchObject({ unit: "so-tttt", agent: base });
    } finally {
      await agent.stop();
    }
  });

  it("refuses a second enroll over an existing agent.yaml, naming the file", async () => {
    const code = await makeCode("--unit", "so-tttt");
    const again = await enroll(code, "a1.yaml");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("a1.yaml exists already: this machine is enrolled");

    // Nor does it spend a use when the file could not be written afterwards.
    const nowhere = await enroll(code, "missing/agent.yaml");
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain(
      `agent.yaml: the folder ${join(dir.path, "missing")} does not exist`,
    );
    const selector = code.split("-")[1];
    expect(
      query<{ uses: number }>("SELECT uses FROM enrollment_codes WHERE selector = ?", selector),
    ).toEqual([{ uses: 0 }]);
  });

  it("expired or revoked is refused; agents it enrolled keep working", async () => {
    const db = openDatabase(join(dir.path, "collector.db"));
    const hourAgo = Date.now() - 3_600_000;
    const expired = new EnrollmentCodes(db).create(
      "quan-hai-chau",
      { uses: 5, lifetimeMs: 60_000, createdBy: "test" },
      hourAgo,
    ).code;
    db.close();
    const late = await enroll(expired, "late.yaml");
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("this enrollment code has expired");

    const code = await makeCode("--unit", "quan-hai-chau", "--uses", "3");
    expect((await enroll(code, "b1.yaml")).code).toBe(0);
    const listed = await runCli(COLLECTOR_CLI, [
      "enroll-code",
      "list",
      "--config",
      collector.configFile,
      "--unit",
      "quan-hai-chau",
    ]);
    const row = listed.stdout.split("\n").find((line) => line.includes("\t1/3\t"));
    const id = row?.split("\t")[0];
    expect(row).toMatch(/\tvalid\tcli:/);
    const revoked = await runCli(COLLECTOR_CLI, [
      "enroll-code",
      "revoke",
      "--config",
      collector.configFile,
      "--id",
      String(id),
    ]);
    expect(revoked.stderr).toContain("agents it enrolled keep working");
    const refused = await enroll(code, "b2.yaml");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("this enrollment code was revoked");

    const agent = startProgram(AGENT_CLI, ["run", "--config", join(dir.path, "b1.yaml")]);
    try {
      const connected = await agent.waitForLog((l) => l.msg === "connected to the collector");
      expect(connected).toMatchObject({ unit: "quan-hai-chau" });
    } finally {
      await agent.stop();
    }

    const audit = query<{ actor: string; action: string; unit: string; target: string }>(
      "SELECT actor, action, unit_id AS unit, target FROM audit WHERE unit_id = 'quan-hai-chau' ORDER BY id",
    );
    // The expired code was made straight in the database; the others by the CLI, audited.
    expect(audit.map((a) => a.action)).toEqual(["code.create", "enroll", "code.revoke"]);
    expect(audit[0]?.actor).toMatch(/^cli:/);
    expect(audit[1]?.actor).toMatch(/^code:[a-z2-7]{8}$/);
    expect(audit[1]?.target).toBe(base);
  });

  it("a unit's user makes codes for that unit only (403 for another), and its agents enroll", async () => {
    await addUsers(join(dir.path, "collector.db"), [
      { name: "it-hai-chau", role: "unit", unit: "quan-hai-chau" },
    ]);
    const browser = new Browser(collector.url);
    expect((await browser.login("it-hai-chau", PASSWORD)).status).toBe(303);
    // The unit's page leads to its codes.
    expect((await browser.get("/units/quan-hai-chau")).text).toContain(
      'href="/units/quan-hai-chau/enrollment-codes" id="codes-link">Mã đăng ký máy giám sát</a>',
    );
    const csrf = await browser.csrf("/units/quan-hai-chau/enrollment-codes");
    const other = await browser.post("/units/so-tttt/enrollment-codes", {
      _csrf: csrf,
      uses: "1",
      days: "7",
    });
    expect(other.status).toBe(403);
    expect(visibleText(other.text)).toContain(
      "it-hai-chau (unit of quan-hai-chau) may not enroll unit so-tttt",
    );
    expect((await browser.get("/units/so-tttt/enrollment-codes")).status).toBe(403);

    const made = await browser.post("/units/quan-hai-chau/enrollment-codes", {
      _csrf: csrf,
      uses: "1",
      days: "1",
    });
    expect(made.status).toBe(200);
    const code = /<code id="code">([^<]+)<\/code>/.exec(made.text)?.[1] ?? "";
    expect(made.text).toContain(`giamsat-agent install --collector ${agentUrl} --code ${code}`);
    expect((await enroll(code, "web.yaml")).code).toBe(0);
    const page = (await browser.get("/units/quan-hai-chau/enrollment-codes?lang=en")).text;
    expect(page).toContain("<td>1 / 1</td>");
    expect(page).toContain("used up");
    expect(page).not.toContain(code);
    const audit = query<{ actor: string }>(
      "SELECT actor FROM audit WHERE action = 'code.create' ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual([{ actor: "it-hai-chau" }]);
  });

  it("holds back an address that keeps presenting bad codes (429), and is no token itself", async () => {
    const small = await testCollector({ limits: { enrollFailuresPerMinute: 3 } });
    try {
      const bad = "gse-aaaaaaaa-aaaaaaaaaaaaaaaaaaaaaaaaaa";
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${small.url}/agent/enroll`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ code: bad, hostname: "h", os: "linux", agentVersion: "t" }),
        });
        answers.push(response.status);
        const body = await response.json();
        if (i === 0) {
          expect(body).toEqual({
            error: "unknown enrollment code: check it was copied whole, or ask for a new one",
          });
        }
      }
      expect(answers).toEqual([403, 403, 403, 429, 429]);
      // A code opens only the enrollment door: the agents' WebSocket refuses it as a token.
      const db = openDatabase(small.config.database);
      const { code } = new EnrollmentCodes(db).create(
        "unit-a",
        { uses: 1, lifetimeMs: 3_600_000, createdBy: "test" },
        Date.now(),
      );
      db.close();
      await expect(new RawAgent(small.url, code).opened).rejects.toThrow("HTTP 401");
    } finally {
      await small.stop();
    }
  });

  it("over wss:// trusts the collector as the link does: --ca is written as tlsCa, a wrong pin refuses", async () => {
    const openssl = peer("openssl");
    if (!openssl) return;
    const tls = tempDir("giamsat-enroll-tls-");
    const ca = createCa(openssl, join(tls.path, "ca"));
    const server = ca.issue({ notAfter: daysFromNow(90) });
    copyFileSync(server.certPath, join(tls.path, "server.pem"));
    copyFileSync(server.keyPath, join(tls.path, "server.key"));
    const secure = await startCollectorProcess(
      tls.path,
      `tls: { cert: "./server.pem", key: "./server.key" }\n${UNITS}`,
    );
    try {
      const url = `${secure.url.replace(/^https/, "wss")}/agent`;
      const made = await runCli(COLLECTOR_CLI, [
        "enroll-code",
        "--config",
        secure.configFile,
        "--unit",
        "so-tttt",
        "--uses",
        "2",
      ]);
      const code = made.stdout.trim();
      const wrongPin = await runCli(AGENT_CLI, [
        "enroll",
        "--collector",
        url,
        "--code",
        code,
        "--ca",
        ca.certPath,
        "--pin",
        "00".repeat(32),
        "--config",
        join(tls.path, "pinned.yaml"),
      ]);
      expect(wrongPin.code).toBe(1);
      expect(wrongPin.stderr).toContain("does not match tlsPin");
      const noCa = await runCli(AGENT_CLI, [
        "enroll",
        "--collector",
        url,
        "--code",
        code,
        "--config",
        join(tls.path, "untrusted.yaml"),
      ]);
      expect(noCa.code).toBe(1);
      expect(noCa.stderr).toContain(`cannot reach the collector at ${secure.url}`);

      const file = join(tls.path, "agent.yaml");
      const good = await runCli(AGENT_CLI, [
        "enroll",
        "--collector",
        url,
        "--code",
        code,
        "--ca",
        ca.certPath,
        "--config",
        file,
      ]);
      expect(good.code, good.stderr).toBe(0);
      expect(readFileSync(file, "utf8")).toContain(`tlsCa: ${JSON.stringify(ca.certPath)}`);
      const agent = startProgram(AGENT_CLI, ["run", "--config", file]);
      try {
        const connected = await agent.waitForLog((l) => l.msg === "connected to the collector");
        expect(connected).toMatchObject({ unit: "so-tttt" });
      } finally {
        await agent.stop();
      }
    } finally {
      await secure.program.stop();
      tls.remove();
    }
  });
});
