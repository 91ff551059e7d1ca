// The collector's side of protocol v1, driven by hand over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";

let collector: TestCollector;
beforeAll(async () => {
  collector = await testCollector();
});
afterAll(() => collector.stop());

const now = () => Date.now();

describe("ingest", () => {
  it("welcomes an agent with the identity from its token, whatever it claims", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "welcome-1"));
    const welcome = await agent.hello();
    expect(welcome).toMatchObject({
      type: "welcome",
      v: 1,
      agent: "welcome-1",
      unit: "unit-a",
      lastSeq: 0,
    });
    agent.close();
  });

  it("stores a batch, acknowledges it after commit, and exposes it", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "store-1"));
    await agent.hello();
    const ts = now();
    agent.send(batch(1, ts));
    expect(await agent.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: 1 });
    const rows = collector.query<{ metric: string; value: number; ts: number }>(
      `SELECT s.metric, v.value, v.ts FROM samples v JOIN series s ON s.id = v.series_id
       JOIN agents a ON a.id = s.agent_id WHERE a.name = 'store-1' ORDER BY s.metric`,
    );
    expect(rows).toEqual([
      { metric: "giamsat_check_duration_seconds", value: 0.01, ts },
      { metric: "giamsat_check_up", value: 1, ts },
      { metric: "giamsat_ping_rtt_seconds", value: 0.002, ts },
    ]);
    const rtt = find(await scrape(collector.url), "giamsat_ping_rtt_seconds", { agent: "store-1" });
    expect(rtt).toEqual([
      {
        name: "giamsat_ping_rtt_seconds",
        labels: { unit: "unit-a", agent: "store-1", category: "lan", check: "gw", kind: "ping" },
        value: 0.002,
      },
    ]);
    agent.close();
  });

  it("acknowledges a repeated seq without storing it twice, also after a reconnect", async () => {
    const token = collector.enroll("unit-a", "dup-1");
    const first = new RawAgent(collector.url, token);
    await first.hello();
    const ts = now();
    first.send(batch(7, ts));
    await first.next((m) => m.type === "ack" && m.seq === 7);
    first.close();
    await first.closed;

    const second = new RawAgent(collector.url, token);
    expect(await second.hello()).toMatchObject({ lastSeq: 7 });
    second.send(batch(7, ts, { samples: [] }));
    second.send(batch(5, ts + 1));
    await second.next((m) => m.type === "ack" && m.seq === 7);
    await second.next((m) => m.type === "ack" && m.seq === 5);
    const [count] = collector.query<{ n: number }>(
      "SELECT count(*) AS n FROM samples v JOIN series s ON s.id = v.series_id JOIN agents a ON a.id = s.agent_id WHERE a.name = 'dup-1'",
    );
    expect(count?.n).toBe(3);
    second.close();
  });

  it.each([
    ["a batch before hello", (a: RawAgent) => a.send(batch(1, now())), 1008, /batch before hello/],
    ["text that is not JSON", (a: RawAgent) => a.send("{nope"), 1008, /not valid JSON/],
    [
      "an unknown message type",
      (a: RawAgent) => a.send({ type: "bye", v: 1 }),
      1008,
      /invalid message: type/,
    ],
    [
      "a newer protocol version",
      (a: RawAgent) => a.send({ type: "hello", v: 2 }),
      1003,
      /protocol version 2/,
    ],
    ["a binary frame", (a: RawAgent) => a.socket.send(Buffer.from([1, 2, 3])), 1003, /binary/],
  ])("refuses %s with an error message and close code", async (_, act, code, message) => {
    const agent = new RawAgent(
      collector.url,
      collector.enroll("unit-b", `bad-${code}-${Math.random()}`.slice(0, 20)),
    );
    await agent.opened;
    act(agent);
    const error = await agent.next((m) => m.type === "error");
    expect(error.type === "error" && error.message).toMatch(message);
    expect(await agent.closed).toBe(code);
  });

  it("names the field of a schema-invalid batch and refuses labels only the collector sets", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "spoof-1"));
    await agent.hello();
    const ts = now();
    agent.send(
      batch(1, ts, {
        samples: [{ metric: "giamsat_x", labels: { unit: "unit-a" }, ts, value: 1 }],
      }),
    );
    const error = await agent.next((m) => m.type === "error");
    expect(error).toMatchObject({
      code: "invalid_message",
      message: expect.stringMatching(
        /^invalid message: samples\[0\]\.labels\.unit: label is set by the collector/,
      ),
    });
    expect(await agent.closed).toBe(1008);
  });

  it("refuses samples of series the collector derives or owns", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "spoof-2"));
    await agent.hello();
    const ts = now();
    agent.send(
      batch(1, ts, { samples: [{ metric: "giamsat_agent_connected", labels: {}, ts, value: 1 }] }),
    );
    const error = await agent.next((m) => m.type === "error");
    expect(error).toMatchObject({
      message: "samples[0].metric: giamsat_agent_connected is the collector's own, not an agent's",
    });
  });

  it("closes with 1009 when a frame is over 1 MiB", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "big-1"));
    await agent.hello();
    agent.send(JSON.stringify({ type: "batch", pad: "x".repeat(1024 * 1024 + 10) }));
    expect(await agent.closed).toBe(1009);
  });

  it("keeps acknowledging a well-behaved agent while another misbehaves", async () => {
    const good = new RawAgent(collector.url, collector.enroll("unit-a", "good-1"));
    await good.hello();
    for (let i = 0; i < 5; i++) {
      const bad = new RawAgent(collector.url, collector.enroll("unit-b", `noisy-${i}`));
      await bad.opened;
      bad.send("][");
      good.send(batch(i + 1, now() + i));
    }
    for (let i = 1; i <= 5; i++) await good.next((m) => m.type === "ack" && m.seq === i);
    good.close();
  });

  it("closes the older connection when the same agent connects again", async () => {
    const token = collector.enroll("unit-a", "twice-1");
    const older = new RawAgent(collector.url, token);
    await older.hello();
    const newer = new RawAgent(collector.url, token);
    await newer.hello();
    expect(await older.closed).toBe(1008);
    newer.send(batch(1, now()));
    await newer.next((m) => m.type === "ack");
    newer.close();
  });
});
