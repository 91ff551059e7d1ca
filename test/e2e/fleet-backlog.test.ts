// The fleet view shows what an agent's buffer holds: a real agent keeps its results while the
// collector is away, and once the collector is back the fleet API and page say how many samples
// wait, then that they drained. The agent drains its backlog at 10 samples a second here, so there is
// time to see it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_CLI,
  attachCollector,
  type CollectorProcess,
  eventually,
  fetchText,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
} from "../helpers/processes.js";

const dir = tempDir();
let collector: CollectorProcess;
let agent: Program;

const UNITS = "web: { auth: false }\nunits:\n  - id: so-tttt\n";

/** Five checks a second, each a TCP connect to a closed port: a few samples a second. */
const CHECKS = [1, 2, 3, 4, 5]
  .map(
    (n) =>
      `  - { name: closed-${n}, category: online_app, kind: tcp, host: "127.0.0.1", port: 9, interval: "1s" }`,
  )
  .join("\n");

interface FleetRow {
  agent: string;
  bufferedSamples: number | null;
}

async function buffered(): Promise<number | null | undefined> {
  const answer = await fetchText(`${collector.url}/api/v1/fleet`);
  const rows = (JSON.parse(answer.text) as { agents: FleetRow[] }).agents;
  return rows.find((row) => row.agent === "pc-01")?.bufferedSamples;
}

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path, UNITS);
  // The collector comes back on the same port, where the agent looks for it.
  writeFileSync(
    collector.configFile,
    `listen: "127.0.0.1:${new URL(collector.url).port}"\ndatabase: "./collector.db"\n${UNITS}`,
  );
  const token = await collector.enroll("so-tttt", "pc-01");
  const config = join(dir.path, "pc-01.yaml");
  writeFileSync(
    config,
    `collector: "${collector.url.replace(/^http/, "ws")}/agent"\ntoken: "${token}"\nhost: false\n` +
      `buffer: { path: "./pc-01-buffer.db", backfillPerSecond: 10 }\nchecks:\n${CHECKS}\n`,
  );
  agent = startProgram(AGENT_CLI, ["run", "--config", config], {}, { cwd: dir.path });
  await collector.program.waitForLog((l) => l.msg === "agent said hello");
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await collector?.program.stop();
  dir.remove();
});

describe("the fleet view of an agent's buffer", () => {
  it("shows the samples waiting after the collector was away, then that they drained", async () => {
    // Connected and sending: its own report says a few samples are in flight at most.
    expect(await eventually(async () => ((await buffered()) ?? null) !== null || undefined)).toBe(
      true,
    );
    await collector.program.stop();
    await new Promise((r) => setTimeout(r, 15_000));
    collector = await attachCollector(dir.path, collector.configFile);

    const waiting = await eventually(async () => {
      const n = await buffered();
      return n !== null && n !== undefined && n >= 100 ? n : undefined;
    }, 30_000);
    const page = await fetchText(`${collector.url}/fleet?lang=en`);
    expect(page.text).toMatch(/[\d,]+ samples waiting/);

    // It drains at 10 samples a second; the agent reports as it goes.
    const drained = await eventually(
      async () => {
        const n = await buffered();
        return n !== null && n !== undefined && n < waiting / 4 ? n : undefined;
      },
      120_000,
      "the backlog drained in the fleet view",
    );
    expect(drained).toBeLessThan(waiting);
  }, 240_000);
});
