// Agent tokens on a real collector process: revoke within a second, rotate with a grace period,
// bad tokens slowed down per address and never logged, every change in the audit log.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RawAgent } from "../../helpers/collector.js";
import {
  COLLECTOR_CLI,
  type CollectorProcess,
  runCli,
  startCollectorProcess,
  TWO_UNITS,
  tempDir,
} from "../../helpers/processes.js";

const dir = tempDir();
let collector: CollectorProcess;

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path);
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

/** The status of an upgrade to /agent with this bearer token (101 when a WebSocket opened). */
function upgradeStatus(
  url: string,
  token: string,
): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/agent`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    socket.on("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] });
      res.resume();
      socket.terminate();
    });
    socket.on("open", () => {
      resolve({ status: 101 });
      socket.close();
    });
    socket.on("error", () => {});
  });
}

async function cli(...args: string[]) {
  const result = await runCli(COLLECTOR_CLI, [...args, "--config", collector.configFile]);
  if (result.code !== 0) throw new Error(`${args.join(" ")}: ${result.stderr}`);
  return result;
}

describe("agent tokens", () => {
  it("revoke closes the live connection within a second", async () => {
    const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", "revoke-1"));
    await agent.hello();
    let closedAt = 0;
    agent.socket.once("close", () => {
      closedAt = performance.now();
    });
    await cli("revoke", "--unit", "so-tttt", "--name", "revoke-1");
    const revokedAt = performance.now();
    expect(await agent.closed).toBe(1008);
    expect(agent.messages.at(-1)).toEqual({
      type: "error",
      code: "revoked",
      message: "the agent's token was revoked",
    });
    // The command has exited (its transaction long committed) when revokedAt is taken.
    expect(closedAt - revokedAt).toBeLessThan(1000);
  });

  it("rotate issues a new token; the old one works during the grace period, then its connection closes", async () => {
    const old = await collector.enroll("so-tttt", "rotate-1");
    const first = new RawAgent(collector.url, old);
    await first.hello();
    const rotated = await cli("rotate", "--unit", "so-tttt", "--name", "rotate-1", "--grace", "3s");
    const token = /token: "(gsat_[A-Za-z0-9_-]{43})"/.exec(rotated.stdout)?.[1] ?? "";
    expect(token).not.toBe(old);
    expect(rotated.stderr).toMatch(/the old one works until \d{4}-\d\d-\d\dT/);

    // During the grace period the old token still opens a connection (replacing the first).
    const during = new RawAgent(collector.url, old);
    expect(await during.hello()).toMatchObject({ agent: "rotate-1", unit: "so-tttt" });
    expect(await during.closed).toBe(1008);
    expect(during.messages.at(-1)).toMatchObject({
      code: "revoked",
      message: "the agent's token expired",
    });
    expect((await upgradeStatus(collector.url, old)).status).toBe(401);

    const fresh = new RawAgent(collector.url, token);
    expect(await fresh.hello()).toMatchObject({ agent: "rotate-1", unit: "so-tttt" });
    fresh.close();
  });

  it("rotate --grace 0 ends the old token at once and closes its connection", async () => {
    const old = await collector.enroll("quan-hai-chau", "rotate-2");
    const agent = new RawAgent(collector.url, old);
    await agent.hello();
    await cli("rotate", "--unit", "quan-hai-chau", "--name", "rotate-2", "--grace", "0");
    expect(await agent.closed).toBe(1008);
    expect((await upgradeStatus(collector.url, old)).status).toBe(401);
  });

  it("refuses to rotate an unknown agent or a bad grace period, with exit 2", async () => {
    const unknown = await runCli(COLLECTOR_CLI, [
      ...["rotate", "--config", collector.configFile, "--unit", "so-tttt", "--name", "nobody"],
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      'no active agent "nobody" in unit "so-tttt"\n',
    ]);
    const grace = await runCli(COLLECTOR_CLI, [
      ...["rotate", "--config", collector.configFile, "--unit", "so-tttt", "--name", "rotate-1"],
      ...["--grace", "tomorrow"],
    ]);
    expect([grace.code, grace.stderr]).toEqual([
      2,
      '--grace: "tomorrow" is not a duration (write e.g. 0, 1h, 24h, 7d)\n',
    ]);
  });

  it("keeps who enrolled, revoked and rotated which agent in the audit log", () => {
    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const rows = db
      .prepare("SELECT actor, action, unit_id AS unit, target, detail FROM audit ORDER BY id")
      .all() as {
      actor: string;
      action: string;
      unit: string;
      target: string;
      detail: string | null;
    }[];
    db.close();
    const summary = rows.map((r) => `${r.action} ${r.unit}/${r.target}`);
    expect(summary).toEqual([
      "enroll so-tttt/revoke-1",
      "revoke so-tttt/revoke-1",
      "enroll so-tttt/rotate-1",
      "rotate so-tttt/rotate-1",
      "enroll quan-hai-chau/rotate-2",
      "rotate quan-hai-chau/rotate-2",
    ]);
    expect(new Set(rows.map((r) => r.actor)).size).toBe(1);
    expect(rows[0]?.actor).toMatch(/^cli:/);
    expect(JSON.parse(rows[3]?.detail ?? "{}")).toHaveProperty("graceUntil");
  });
});

describe("bad tokens", () => {
  it("are slowed down per address (429 past the limit) and logged without the token", async () => {
    const limited = tempDir();
    const strict = await startCollectorProcess(
      limited.path,
      `limits: { badTokensPerMinute: 5 }\n${TWO_UNITS}`,
    );
    try {
      const good = await strict.enroll("so-tttt", "good-1");
      const bad = Array.from({ length: 7 }, (_, i) => `gsat_guess-${i}-${"x".repeat(30)}`);
      const answers = [];
      for (const token of bad) answers.push(await upgradeStatus(strict.url, token));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(Number(answers[5]?.retryAfter)).toBeGreaterThan(0);
      // The address is held back as a whole: guessing is not checked at all while it waits.
      expect((await upgradeStatus(strict.url, good)).status).toBe(429);

      const refusals = await strict.program.waitForLog(
        (l) => l.msg === "agents refused for a while",
      );
      expect(refusals).toMatchObject({
        remote: "127.0.0.1",
        reason: "too many refused tokens from this address",
      });
      const refused = strict.program
        .output()
        .split("\n")
        .filter((line) => line.includes('"agent refused"'));
      expect(refused).toHaveLength(5);
      expect(JSON.parse(refused[0] ?? "{}")).toMatchObject({
        remote: "127.0.0.1",
        reason: "unknown, revoked or expired token",
      });
      for (const token of [...bad, good]) expect(strict.program.output()).not.toContain(token);
    } finally {
      await strict.program.stop();
      limited.remove();
    }
  });
});
