// What one agent may cost the collector: messages per second, and how deeply its JSON may nest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";

let collector: TestCollector;
beforeAll(async () => {
  collector = await testCollector({ limits: { agentMessagesPerSecond: 20 } });
});
afterAll(() => collector.stop());

const HELLO = { type: "hello", v: 1, agentVersion: "t", hostname: "h", os: "o", bootId: "b" };

describe("per-agent message rate", () => {
  it("reads an agent that waits for its acks more slowly past the rate, losing nothing", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "steady-1"));
    await agent.hello();
    const started = performance.now();
    const ts = Date.now();
    for (let seq = 1; seq <= 60; seq++) {
      agent.send(batch(seq, ts + seq));
      await agent.next((m) => m.type === "ack" && m.seq === seq);
    }
    const seconds = (performance.now() - started) / 1000;
    // 20 a second with a burst of 20: the last 40 of 61 messages take about 2 s.
    expect(seconds).toBeGreaterThan(1.5);
    expect(agent.messages.filter((m) => m.type === "error")).toEqual([]);
    const [stored] = collector.query<{ n: number }>(
      `SELECT count(*) AS n FROM batches b JOIN agents a ON a.id = b.agent_id WHERE a.name = 'steady-1'`,
    );
    expect(stored?.n).toBe(60);
    agent.close();
  });

  it("closes an agent that floods without waiting, with rate_limited and 1008", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "flood-1"));
    await agent.opened;
    for (let i = 0; i < 500; i++) agent.send(HELLO);
    expect(await agent.closed).toBe(1008);
    expect(agent.messages.find((m) => m.type === "error")).toEqual({
      type: "error",
      code: "rate_limited",
      message: "more than 20 messages a second without waiting for acks",
    });
  });
});

describe("nesting", () => {
  it.each([
    ["a bare array nested 100,000 deep", "[".repeat(100_000) + "]".repeat(100_000)],
    [
      "inventory data nested 40 deep",
      JSON.stringify(
        batch(1, Date.now(), {
          inventory: [
            {
              check: "host",
              kind: "host",
              ts: Date.now(),
              data: JSON.parse(`${'{"a":'.repeat(40)}1${"}".repeat(40)}`),
            },
          ],
        }),
      ),
    ],
  ])("refuses %s before parsing it", async (_, text) => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", `deep-${text.length}`));
    await agent.hello();
    const started = performance.now();
    agent.send(text);
    expect(await agent.closed).toBe(1008);
    expect(agent.messages.at(-1)).toEqual({
      type: "error",
      code: "invalid_message",
      message: "message nests deeper than 32 levels",
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("takes inventory nested as deep as the host inventory is", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "inventory-1"));
    await agent.hello();
    const ts = Date.now();
    const data = { software: [{ name: "openssl", version: "3.0", extra: { a: { b: [1] } } }] };
    agent.send(batch(1, ts, { inventory: [{ check: "host", kind: "host", ts, data }] }));
    expect(await agent.next((m) => m.type !== "welcome")).toEqual({ type: "ack", seq: 1 });
    agent.close();
  });
});
