// Each timestamp is judged, not just the batch's sentAt: a result or sample dated far ahead of the
// collector's clock (an agent whose clock was wrong when it wrote them) is refused and counted, so
// it cannot pin a check; "latest" on /metrics, the pages and the API is the newest plausible one,
// also for such rows stored before this rule existed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchStore } from "../../../collector/agents/batch-store.js";
import { AgentStore } from "../../../collector/agents/registry.js";
import { openDatabase } from "../../../collector/db/database.js";
import { syncUnits } from "../../../collector/inspection/units.js";
import { RawAgent } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import { type CollectorProcess, startCollectorProcess, tempDir } from "../../helpers/processes.js";

const YEAR_2199 = Date.UTC(2199, 0, 1);
const CHECK = { check: "portal", category: "website", kind: "http" } as const;
const dir = tempDir();
let collector: CollectorProcess;
let seededToken: string;

beforeAll(async () => {
  // A collector that ran before this rule: it stored a result and a sample dated 2199.
  const db = openDatabase(`${dir.path}/collector.db`);
  syncUnits(db, [{ id: "so-tttt", name: "Sở", kind: "department" }], Date.now());
  const agents = new AgentStore(db);
  const enrolled = agents.enroll("so-tttt", "pc-old", Date.now());
  seededToken = enrolled.token;
  new BatchStore(db).write(enrolled.agent, batchAt(1, YEAR_2199, Date.now()), Date.now());
  db.close();
  collector = await startCollectorProcess(
    dir.path,
    'web: { auth: false }\nunits:\n  - { id: so-tttt, name: "Sở" }\n',
  );
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

function batchAt(seq: number, ts: number, sentAt: number, up = false) {
  return {
    type: "batch" as const,
    v: 1,
    seq,
    sentAt,
    results: [{ ...CHECK, ts, up, duration: 0.2, ...(up ? {} : { reason: "status" as const }) }],
    samples: [
      { metric: "giamsat_http_status_code", labels: { ...CHECK }, ts, value: up ? 200 : 503 },
    ],
  };
}

async function state(agent: string): Promise<{ up: number | undefined; page: string | undefined }> {
  const up = find(await scrape(collector.url), "giamsat_check_up", { agent })[0]?.value;
  const api = (await (await fetch(`${collector.url}/api/v1/units/so-tttt/checks`)).json()) as {
    checks: { agent: string; state: string }[];
  };
  return { up, page: api.checks.find((c) => c.agent === agent)?.state };
}

describe("timestamps ahead of the collector's clock", () => {
  it("refuses results and samples dated 2199 in a batch with a right sentAt, and counts them", async () => {
    const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", "pc-1"));
    await agent.hello();
    agent.send(batchAt(1, YEAR_2199, Date.now()));
    expect(await agent.next((m) => m.type === "refused")).toEqual({
      type: "refused",
      seq: 1,
      samples: { future_timestamp: 3 },
      message:
        "results[0].ts: 2199-01-01T00:00:00.000Z is ahead of the collector's clock by more than 2 minutes",
    });
    expect(await agent.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: 1 });
    // The real result that follows is the check's state.
    agent.send(batchAt(2, Date.now(), Date.now(), true));
    await agent.next((m) => m.type === "ack" && m.seq === 2);
    expect(await state("pc-1")).toEqual({ up: 1, page: "up" });
    const counted = find(await scrape(collector.url), "giamsat_agent_refused_samples_total", {
      agent: "pc-1",
      reason: "future_timestamp",
    });
    expect(counted.map((s) => s.value)).toEqual([3]);
    agent.close();
  });

  it("takes timestamps within the tolerance, and corrects a whole batch from a skewed clock", async () => {
    const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", "pc-2"));
    await agent.hello();
    agent.send(batchAt(1, Date.now() + 30_000, Date.now(), true));
    expect(await agent.next((m) => m.type !== "welcome")).toEqual({ type: "ack", seq: 1 });
    // An agent an hour ahead: sentAt tells, and its timestamps are moved back by the offset.
    const ahead = Date.now() + 3_600_000;
    agent.send(batchAt(2, ahead - 1000, ahead, true));
    expect(await agent.next((m) => m.type === "ack" && m.seq === 2)).toBeDefined();
    expect(agent.messages.filter((m) => m.type === "refused")).toEqual([]);
    agent.close();
  });

  it("shows the newest plausible result where a row dated 2199 was stored before", async () => {
    expect((await state("pc-old")).page).not.toBe("down");
    const agent = new RawAgent(collector.url, seededToken);
    await agent.hello();
    agent.send(batchAt(2, Date.now(), Date.now(), true));
    await agent.next((m) => m.type === "ack" && m.seq === 2);
    expect(await state("pc-old")).toEqual({ up: 1, page: "up" });
    agent.close();
  });
});
