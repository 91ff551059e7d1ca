// The agent as a running process, as a unit's IT person meets it: `status` asked of the running agent
// (checks, link, buffer, last error), check state changes in the log, agent.yaml reloaded on SIGHUP
// (a good one applied, a bad one refused with the old one kept), every stop signal writing and
// sending what the agent holds, and a revoked agent keeping nothing. Real processes and sockets.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, producedSamples, storedSamples } from "../helpers/delivery.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  runCli,
  startCollectorProcess,
  startProgram,
  tempDir,
} from "../helpers/processes.js";

const dir = tempDir("giamsat-agent-process-");
let collector: CollectorProcess;
let servicePort: number;
let service: Server | undefined;
const running = new Set<Program>();

function listen(): Promise<void> {
  service = createServer((socket) => socket.end());
  return new Promise((resolve) => service?.listen(servicePort, "127.0.0.1", resolve));
}

function closeService(): Promise<void> {
  return new Promise((resolve) => service?.close(() => resolve()) ?? resolve());
}

function writeConfig(name: string, token: string, checks: string[]): string {
  const file = join(dir.path, `${name}.yaml`);
  writeFileSync(
    file,
    `collector: "${collector.url.replace(/^http/, "ws")}/agent"\ntoken: "${token}"\nbuffer: { path: "./${name}.db" }\nhost: false\nchecks:\n${checks.map((c) => `  - ${c}\n`).join("")}`,
  );
  return file;
}

const svc = (name: string, extra = "") =>
  `{ name: ${name}, category: shared_software, kind: tcp, host: "127.0.0.1", port: ${servicePort}, interval: "1s"${extra} }`;

function start(file: string, env: NodeJS.ProcessEnv = {}): Program {
  const program = startProgram(AGENT_CLI, ["run", "--config", file], env);
  running.add(program);
  return program;
}

const status = (file: string) => runCli(AGENT_CLI, ["status", "--config", file]);

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path);
  servicePort = await freePort();
  await listen();
});

afterAll(async () => {
  for (const program of running) await program.stop("SIGKILL");
  await collector.program.stop();
  await closeService();
  dir.remove();
});

describe("giamsat-agent status and the check log", () => {
  it("shows the running agent's checks, link and buffer, and the log tells state changes", async () => {
    const file = writeConfig("watched", await collector.enroll("so-tttt", "watched"), [svc("svc")]);
    expect((await status(file)).stderr).toMatch(
      /^no giamsat agent is running with the buffer file .*watched\.db \(nothing answers at .*\): start it with giamsat-agent run/,
    );
    const agent = start(file);
    await agent.waitForLog((l) => l.msg === "connected to the collector");
    const up = await eventually(async () => {
      const result = await status(file);
      return /^svc\s+tcp\s+up\s/m.test(result.stdout) ? result : undefined;
    });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("1 checks, 0 down");
    expect(up.stdout).toContain(`PID ${agent.child.pid}`);
    expect(up.stdout).toMatch(
      /link: {3}connected to ws:\/\/127\.0\.0\.1:\d+\/agent as unit so-tttt, agent watched since /,
    );
    expect(up.stdout).toMatch(/buffer: .*watched\.db: \d+ samples waiting/);
    expect(up.stdout).toMatch(/^svc\s+tcp\s+up\s/m);
    expect(up.stdout).toContain("last error: none");

    await closeService();
    const down = await agent.waitForLog((l) => l.msg === "check down");
    expect(down).toMatchObject({ level: "info", check: "svc", reason: "refused" });
    const shown = await eventually(async () => {
      const result = await status(file);
      return result.stdout.includes("1 checks, 1 down") ? result : undefined;
    });
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(
      /^svc\s+tcp\s+DOWN\s+\S+\s+refused: connect ECONNREFUSED 127\.0\.0\.1:\d+/m,
    );
    await listen();
    const back = await agent.waitForLog((l) => l.msg === "check up again");
    expect(back).toMatchObject({ check: "svc" });
    expect(Number(back.downForMs)).toBeGreaterThan(0);
    // Down once, up once: no line per run.
    expect(
      agent
        .output()
        .split("\n")
        .filter((l) => l.includes('"msg":"check down"')),
    ).toHaveLength(1);
    await agent.stop();
  });
});

describe("SIGHUP", () => {
  it("applies a good agent.yaml and keeps the running one when the new one has a mistake", async () => {
    const token = await collector.enroll("so-tttt", "reloaded");
    const file = writeConfig("reloaded", token, [svc("first")]);
    const agent = start(file);
    await agent.waitForLog((l) => l.msg === "connected to the collector");

    writeConfig("reloaded", token, [svc("first"), svc("second")]);
    process.kill(agent.child.pid as number, "SIGHUP");
    const reloaded = await agent.waitForLog((l) => l.msg === "agent.yaml reloaded");
    expect(reloaded).toMatchObject({ checks: 2, changed: ["checks"] });
    await eventually(async () => {
      const stored = await storedSamples(collector.configFile, "reloaded");
      return stored.some((s) => s.includes("check=second")) ? true : undefined;
    });

    writeConfig("reloaded", token, [svc("first", ', timeout: "soon"'), svc("second")]);
    process.kill(agent.child.pid as number, "SIGHUP");
    const refused = await agent.waitForLog((l) =>
      String(l.msg).startsWith("agent.yaml not reloaded"),
    );
    expect(refused).toMatchObject({ level: "error" });
    expect(String(refused.err)).toContain(
      `${file}: checks[0] (first).timeout: invalid duration "soon"`,
    );
    // Still running the configuration it had, both checks reporting.
    const before = (await storedSamples(collector.configFile, "reloaded")).length;
    await eventually(async () =>
      (await storedSamples(collector.configFile, "reloaded")).length > before + 4
        ? true
        : undefined,
    );
    expect(agent.child.exitCode).toBeNull();
    const shown = await status(file);
    expect(shown.stdout).toMatch(/last error: \d+s ago: agent\.yaml not reloaded/);
    expect(shown.stdout).toMatch(/^second\s+tcp\s+up/m);
    await agent.stop();
  });

  it("caught while the agent starts (systemctl reload right after start) is applied once it runs, not its end", async () => {
    const token = await collector.enroll("so-tttt", "early-reload");
    const file = writeConfig("early-reload", token, [svc("first")]);
    const agent = start(file);
    const pid = agent.child.pid as number;
    // Wait until the process catches SIGHUP (bit 0 of SigCgt in /proc), then send it at once: the
    // agent has not started yet (no "agent started" in its log), as systemd's reload can find it.
    const caught = await eventually(
      () => {
        const mask = /^SigCgt:\s+([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        return mask?.[1] && (BigInt(`0x${mask[1]}`) & 1n) === 1n ? agent.output() : undefined;
      },
      20_000,
      "SIGHUP caught",
    );
    writeConfig("early-reload", token, [svc("first"), svc("second")]);
    process.kill(pid, "SIGHUP");
    expect(caught).not.toContain("agent started");
    const reloaded = await agent.waitForLog((l) => l.msg === "agent.yaml reloaded", 20_000);
    expect(reloaded).toMatchObject({ checks: 2 });
    expect(agent.child.exitCode).toBeNull();
    await agent.stop();
  });
});

describe("every stop signal", () => {
  it.each(["SIGINT", "SIGTERM", "SIGQUIT"] as const)(
    "%s writes and sends what the agent holds, and exits 0",
    async (signal) => {
      const name = `stop-${signal.toLowerCase()}`;
      const file = writeConfig(name, await collector.enroll("so-tttt", name), [svc("svc")]);
      const trace = join(dir.path, `${name}.trace`);
      const agent = start(file, { GIAMSAT_AGENT_TRACE: trace });
      await agent.waitForLog((l) => l.msg === "connected to the collector");
      await new Promise((r) => setTimeout(r, 2500));
      expect(await agent.stop(signal)).toBe(0);
      expect(agent.output()).toContain(`"signal":"${signal}"`);
      // What the agent held at the signal reached the collector: nothing produced is missing.
      const produced = producedSamples(trace);
      expect(produced.length).toBeGreaterThan(0);
      expect(await storedSamples(collector.configFile, name)).toEqual(produced);
    },
  );
});

describe("a stop signal twice", () => {
  it("(systemd signals the launcher and the agent, and the launcher passes its own on) stops the agent once, cleanly", async () => {
    const name = "stop-twice";
    const file = writeConfig(name, await collector.enroll("so-tttt", name), [svc("svc")]);
    const trace = join(dir.path, `${name}.trace`);
    const agent = start(file, { GIAMSAT_AGENT_TRACE: trace });
    await agent.waitForLog((l) => l.msg === "connected to the collector");
    await new Promise((r) => setTimeout(r, 1500));
    const pid = agent.child.pid as number;
    process.kill(pid, "SIGTERM");
    await agent.waitForLog((l) => l.msg === "stopping");
    process.kill(pid, "SIGTERM");
    expect(await agent.exited).toBe(0);
    expect(await storedSamples(collector.configFile, name)).toEqual(producedSamples(trace));
  });
});

describe("a revoked agent", () => {
  it("keeps no more results, and status says why", async () => {
    const file = writeConfig("gone", await collector.enroll("so-tttt", "gone"), [svc("svc")]);
    const agent = start(file);
    await agent.waitForLog((l) => l.msg === "connected to the collector");
    await collector.revoke("so-tttt", "gone");
    await agent.waitForLog((l) => l.problem === "revoked");
    const waiting = async () =>
      Number(/(\d+) samples waiting/.exec((await status(file)).stdout)?.[1] ?? Number.NaN);
    const first = await waiting();
    await new Promise((r) => setTimeout(r, 3000)); // three runs of the check
    expect(await waiting()).toBe(first);
    const shown = await status(file);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(
      /link: {3}REVOKED by the collector since .*: the collector revoked this agent/,
    );
    await agent.stop();
  });
});
