// Discovery on a unit's schedule, as the product runs it: a collector process whose collector.yaml
// gives the unit a daily run of one of its networks, with the schedules' clock set by the
// documented test hook (GIAMSAT_TEST_SCHEDULE_AT), and an agent connection announcing discovery.
// The run starts at its time, once; a time passed while the collector was down starts one run when
// the agent connects, and a restart does not run it again. A schedule naming a network the unit
// does not own is refused at start (exit 2) and at SIGHUP (the old one kept), naming the path.
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../collector/db/database.js";
import type { CollectorMessage } from "../../shared/protocol.js";
import { RawAgent } from "../helpers/collector.js";
import {
  attachCollector,
  COLLECTOR_CLI,
  type CollectorProcess,
  eventually,
  fetchText,
  runCli,
  startCollectorProcess,
  tempDir,
} from "../helpers/processes.js";
import { vn } from "../helpers/store.js";

type Discover = Extract<CollectorMessage, { type: "discover" }>;

const dir = tempDir();
let collector: CollectorProcess | undefined;
const agents: RawAgent[] = [];
afterAll(async () => {
  for (const agent of agents) agent.close();
  await collector?.program.stop();
  dir.remove();
});

const unitYaml = (schedule: string) => `web: { auth: false }
units:
  - id: so-tttt
    discovery:
      networks: ["10.20.1.0/24", "10.20.2.0/24"]
      schedule: ${schedule}
`;
const DAILY = '{ every: daily, at: "02:00", networks: ["10.20.2.0/24"] }';
const at = (time: string, day: string) => ({ GIAMSAT_TEST_SCHEDULE_AT: `${day}T${time}+07:00` });

async function view(): Promise<{
  id: number | null;
  state: string;
  next: { at: number; waiting: boolean } | null;
}> {
  const answer = await fetchText(`${collector?.url}/api/v1/units/so-tttt/discovery`);
  return JSON.parse(answer.text);
}

let token = "";
/** Connects the unit's agent, announcing discovery. */
async function connect(): Promise<RawAgent> {
  const agent = new RawAgent(collector?.url ?? "", token);
  agents.push(agent);
  await agent.hello(["discovery"]);
  return agent;
}

/** Answers a run as done, with nothing found. */
function finish(agent: RawAgent, run: Discover): void {
  const progress = { swept: 254, total: 254 };
  agent.send({ type: "discovery", id: run.id, state: "done", progress, devices: [] });
}

const runs = () => {
  const db = openDatabase(`${dir.path}/collector.db`);
  try {
    return db
      .prepare("SELECT requested_by AS by, networks, state FROM discovery_runs ORDER BY id")
      .all();
  } finally {
    db.close();
  }
};

describe("discovery on a schedule", () => {
  it("refuses at start a schedule naming a network the unit does not own", async () => {
    const file = `${dir.path}/bad.yaml`;
    writeFileSync(file, unitYaml('{ every: daily, at: "02:00", networks: ["10.9.9.0/24"] }'));
    const result = await runCli(COLLECTOR_CLI, ["serve", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}: units[0].discovery.schedule.networks[0]: 10.9.9.0/24 is not among the unit's networks (10.20.1.0/24, 10.20.2.0/24): add it to discovery.networks if the unit owns it, or take it out of the schedule\n`,
    );
  });

  it("starts the run at its time, of the networks it names, and once", async () => {
    collector = await startCollectorProcess(
      dir.path,
      unitYaml(DAILY),
      at("01:59:52", "2027-03-01"),
    );
    token = await collector.enroll("so-tttt", "pc-01");
    expect((await view()).next).toEqual({
      at: vn("02:00:00", "2027-03-01"),
      waiting: false,
      schedule: { every: "daily", at: "02:00", networks: ["10.20.2.0/24"] },
    });
    const agent = await connect();
    const connectedAt = Date.now();
    const run = (await agent.next((m) => m.type === "discover", 30_000)) as Discover;
    // Not at the hello: at 02:00 on the schedules' clock, 8 s after it started.
    expect(Date.now() - connectedAt).toBeGreaterThan(3000);
    expect(run.networks).toEqual(["10.20.2.0/24"]);
    finish(agent, run);
    await eventually(async () => ((await view()).state === "done" ? true : undefined));
    expect((await view()).next).toMatchObject({ at: vn("02:00:00", "2027-03-02"), waiting: false });
    // The timer looks again every 5 s: no second run of the same time.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(agent.messages.filter((m) => m.type === "discover")).toHaveLength(1);
  }, 60_000);

  it("starts a run missed while the collector was down when the agent connects, and once", async () => {
    for (const agent of agents) agent.close();
    await collector?.program.stop();
    // Back the next day after 02:00, with no agent connected yet: the run is due and waits.
    collector = await attachCollector(
      dir.path,
      collector?.configFile ?? "",
      at("02:30:00", "2027-03-02"),
    );
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect((await view()).next).toMatchObject({ at: vn("02:00:00", "2027-03-02"), waiting: true });
    const agent = await connect();
    const run = (await agent.next((m) => m.type === "discover", 10_000)) as Discover;
    finish(agent, run);
    await eventually(async () => ((await view()).state === "done" ? true : undefined));
    expect((await view()).next).toMatchObject({ at: vn("02:00:00", "2027-03-03"), waiting: false });

    // Restarted again the same morning: that day's run is not started a second time.
    agent.close();
    await collector.program.stop();
    collector = await attachCollector(dir.path, collector.configFile, at("02:40:00", "2027-03-02"));
    const again = await connect();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect(again.messages.filter((m) => m.type === "discover")).toEqual([]);
    expect(runs()).toEqual([
      { by: "schedule", networks: '["10.20.2.0/24"]', state: "done" },
      { by: "schedule", networks: '["10.20.2.0/24"]', state: "done" },
    ]);
  }, 60_000);

  it("keeps its schedule when SIGHUP finds one naming a network the unit does not own", async () => {
    if (!collector) throw new Error("no collector");
    const port = new URL(collector.url).port;
    const write = (schedule: string) =>
      writeFileSync(
        collector?.configFile ?? "",
        `listen: "127.0.0.1:${port}"\ndatabase: "./collector.db"\n${unitYaml(schedule)}`,
      );
    write('{ every: daily, at: "02:00", networks: ["10.9.9.0/24"] }');
    process.kill(collector.program.child.pid as number, "SIGHUP");
    const refused = await collector.program.waitForLog((l) =>
      String(l.msg).startsWith("SIGHUP: units not reloaded"),
    );
    expect(String(refused.err)).toContain(
      "units[0].discovery.schedule.networks[0]: 10.9.9.0/24 is not among the unit's networks",
    );
    expect((await view()).next).toMatchObject({
      at: vn("02:00:00", "2027-03-03"),
      schedule: { networks: ["10.20.2.0/24"] },
    });
    // A good one is taken at the next SIGHUP, and waits for its own next time.
    write('{ every: weekly, days: [sun], at: "03:00" }');
    process.kill(collector.program.child.pid as number, "SIGHUP");
    await eventually(async () =>
      (await view()).next?.at === vn("03:00:00", "2027-03-07") ? true : undefined,
    );
  }, 30_000);
});
