// Files that hold secrets are the owner's alone: a real collector process creates collector.db and
// its -wal and -shm 0600, a real agent its buffer likewise, whatever the umask lets others read;
// and each warns at start, naming the file, when an existing one is open to others.
import { chmodSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { batch, RawAgent } from "../../helpers/collector.js";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";

const running: Program[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  for (const program of running.splice(0)) await program.stop("SIGKILL");
  for (const dir of dirs.splice(0)) dir.remove();
});

function modeOf(file: string): string {
  return (statSync(file).mode & 0o777).toString(8).padStart(4, "0");
}

async function collectorIn(): Promise<CollectorProcess> {
  const dir = tempDir("giamsat-modes-");
  dirs.push(dir);
  const collector = await startCollectorProcess(dir.path);
  running.push(collector.program);
  return collector;
}

describe("file modes", () => {
  it("the collector creates its database, -wal and -shm 0600", async () => {
    // The usual umask (022) would leave them readable by every user of the machine.
    expect(process.umask() & 0o044).toBe(0);
    const collector = await collectorIn();
    const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", "pc-01"));
    await agent.hello();
    agent.send(batch(1, Date.now()));
    await agent.next((m) => m.type === "ack");
    agent.close();
    const db = join(collector.dir, "collector.db");
    expect([db, `${db}-wal`, `${db}-shm`].map(modeOf)).toEqual(["0600", "0600", "0600"]);
  });

  it("the collector warns at start about a database others can read, naming the file", async () => {
    const collector = await collectorIn();
    await collector.program.stop();
    const db = join(collector.dir, "collector.db");
    chmodSync(db, 0o644);
    const again = await attachCollector(collector.dir, collector.configFile);
    running.push(again.program);
    const warning = await again.program.waitForLog((l) => l.msg === "file is open to other users");
    expect(warning).toMatchObject({ level: "warn", file: db, mode: "0644" });
    expect(String(warning.hint)).toBe(`chmod 600 ${db}`);
  });

  it("the agent creates its buffer 0600 and warns about one others can read", async () => {
    const collector = await collectorIn();
    const port = new URL(collector.url).port;
    const config = writeAgentConfig(
      collector.dir,
      "pc-02",
      collector.url,
      await collector.enroll("so-tttt", "pc-02"),
      `checks:\n  - { name: port, category: datacenter, kind: tcp, host: "127.0.0.1", port: ${port}, interval: "1s" }\n`,
    );
    const agent = startProgram(AGENT_CLI, ["run", "--config", config]);
    running.push(agent);
    await agent.waitForLog((l) => l.msg === "connected to the collector");
    const buffer = join(collector.dir, "pc-02-buffer.db");
    // The buffer is held in SQLite's exclusive locking mode, which keeps the WAL index in memory:
    // there is no -shm file to protect.
    expect(existsSync(`${buffer}-shm`)).toBe(false);
    expect([buffer, `${buffer}-wal`].map(modeOf)).toEqual(["0600", "0600"]);
    await agent.stop();
    chmodSync(buffer, 0o640);
    const again = startProgram(AGENT_CLI, ["run", "--config", config]);
    running.push(again);
    const warning = await again.waitForLog((l) => l.msg === "file is open to other users");
    expect(warning).toMatchObject({ level: "warn", file: buffer, mode: "0640" });
  });
});
