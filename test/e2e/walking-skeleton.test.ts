// A real collector process and real agent processes: data reaches /metrics, bad tokens are refused.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { find, scrape } from "../helpers/metrics.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";

describe("agent → collector → /metrics", () => {
  const dir = tempDir();
  let collector: CollectorProcess;
  let first: Program;
  const others: Program[] = [];

  beforeAll(async () => {
    collector = await startCollectorProcess(dir.path);
    const token = await collector.enroll("so-tttt", "pc-01");
    first = startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(dir.path, "pc-01", collector.url, token),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), ...others.map((p) => p.stop())]);
    await collector?.program.stop();
    dir.remove();
  });

  it("shows the agent's host CPU on /metrics, labelled with its unit and name", async () => {
    const cpu = await eventually(
      async () => {
        const found = find(await scrape(collector.url), "giamsat_host_cpu_usage_ratio", {
          unit: "so-tttt",
          agent: "pc-01",
        });
        return found[0];
      },
      30_000,
      "host CPU on /metrics",
    );
    expect(cpu.labels).toMatchObject({ check: "host", category: "equipment", kind: "host" });
    expect(cpu.value).toBeGreaterThanOrEqual(0);
    expect(cpu.value).toBeLessThanOrEqual(1);
    const samples = await scrape(collector.url);
    expect(find(samples, "giamsat_check_up", { agent: "pc-01", check: "host" })[0]?.value).toBe(1);
    expect(find(samples, "giamsat_agent_connected", { agent: "pc-01" })[0]?.value).toBe(1);
    expect(find(samples, "giamsat_unit_info", { unit: "so-tttt" })[0]?.labels.leader).toBe(
      "Nguyễn Văn A",
    );
  });

  it("refuses a wrong token with 401 at the upgrade, before any WebSocket exists", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${collector.url.replace("http", "ws")}/agent`, {
        headers: { Authorization: "Bearer gsat_not-a-real-token-at-all-xxxxxxxx" },
      });
      socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.on("open", () => reject(new Error("a WebSocket was opened with a wrong token")));
      socket.on("error", () => {});
    });
    expect(status).toBe(401);

    const wrong = startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(dir.path, "intruder", collector.url, "gsat_wrong-token-0123456789abcdef"),
    ]);
    others.push(wrong);
    const line = await wrong.waitForLog((l) => l.status === 401);
    expect(String(line.msg)).toMatch(/refused the token/);
    // The token never appears in the agent's own logs.
    expect(wrong.output()).not.toContain("gsat_wrong-token");
  });

  it("disconnects a revoked agent, refuses it afterwards, and the first agent keeps reporting", async () => {
    const token = await collector.enroll("quan-hai-chau", "pc-02");
    const second = startProgram(AGENT_CLI, [
      "run",
      "--config",
      writeAgentConfig(dir.path, "pc-02", collector.url, token),
    ]);
    others.push(second);
    await eventually(async () =>
      find(await scrape(collector.url), "giamsat_agent_connected", { agent: "pc-02" }).find(
        (s) => s.value === 1,
      ),
    );
    await collector.revoke("quan-hai-chau", "pc-02");
    // The agent says so, and tries again only every ten minutes: its token will not work again.
    await second.waitForLog((l) => l.problem === "revoked", 30_000);
    expect(
      await second.waitForLog((l) => l.msg === "reconnecting later" && l.slow === "revoked"),
    ).toMatchObject({ delayMs: 600_000 });
    const after = await scrape(collector.url);
    // A revoked agent is gone from /metrics, so "agent silent" alerts do not fire for it.
    expect(find(after, "giamsat_agent_connected", { agent: "pc-02" })).toEqual([]);
    expect(find(after, "giamsat_agent_last_seen_timestamp_seconds", { agent: "pc-02" })).toEqual(
      [],
    );

    const seenBefore =
      find(after, "giamsat_agent_last_seen_timestamp_seconds", { agent: "pc-01" })[0]?.value ?? 0;
    await eventually(
      async () => {
        const now = find(await scrape(collector.url), "giamsat_agent_last_seen_timestamp_seconds", {
          agent: "pc-01",
        })[0]?.value;
        return now !== undefined && now > seenBefore ? now : undefined;
      },
      10_000,
      "pc-01 still reporting",
    );
    expect(
      find(await scrape(collector.url), "giamsat_agent_connected", { agent: "pc-01" })[0]?.value,
    ).toBe(1);
  });

  it("passes promtool check metrics on the whole /metrics output", async (ctx) => {
    const promtool = peer("promtool");
    if (!promtool) return ctx.skip();
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    const file = join(dir.path, "metrics.txt");
    writeFileSync(file, text);
    const result = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(result.stderr + result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
