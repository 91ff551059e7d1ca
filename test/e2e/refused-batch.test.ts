import { afterEach, describe, expect, it } from "vitest";
import { type Entry, Outbox } from "../../agent/outbox/outbox.js";
import { AgentAndCollector } from "../helpers/agent-and-collector.js";
import { storedSamples } from "../helpers/delivery.js";
import { find, scrape } from "../helpers/metrics.js";
import { type CollectorProcess, eventually } from "../helpers/processes.js";

const processes = new AgentAndCollector();
afterEach(() => processes.cleanUp());

const setUp = (name: string) => processes.setUp(name);
const startAgent = (config: string) => processes.startAgent(config);

function entry(ts: number, samples: Entry["samples"]): Entry {
  return {
    results: [{ check: "earlier", category: "lan", kind: "ping", ts, up: true, duration: 0.001 }],
    samples,
    inventory: [],
  };
}
const sample = (ts: number, value: number, labels: Record<string, string> = {}) => ({
  metric: "giamsat_ping_rtt_seconds",
  labels: { check: "earlier", category: "lan", kind: "ping", ...labels },
  ts,
  value,
});

async function counter(
  collector: CollectorProcess,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  return find(await scrape(collector.url), name, labels)[0]?.value;
}

describe("a batch the collector refuses", () => {
  it("is dropped and counted once, and what follows it is delivered", async () => {
    const { collector, config, buffer } = await setUp("refused");
    const ts = Date.now() - 10_000;
    // An agent sent this batch (seq 1) and stopped before the collector's answer; its label value
    // is longer than the collector accepts.
    const before = new Outbox({ path: buffer, maxBytes: 1e7 });
    before.append(entry(ts, [sample(ts, 0.5, { note: "x".repeat(300) })]));
    expect(before.take()?.seq).toBe(1);
    before.append(entry(ts + 1000, [sample(ts + 1000, 0.25)]));
    before.close();

    const agent = startAgent(config);
    const refused = await agent.waitForLog((line) => line.msg === "collector refused a batch");
    expect(refused).toMatchObject({ seq: 1, code: "invalid_message", droppedSamples: 3 });
    expect(String(refused.reason)).toContain("at most 256 characters");
    // What was written after it arrives, and the checks that run now too.
    await eventually(
      async () => {
        const stored = await storedSamples(collector.configFile, "refused");
        const later = stored.some(
          (s) => s.startsWith("giamsat_ping_rtt_seconds") && s.endsWith(" 0.25"),
        );
        const live = stored.some((s) => s.includes("check=collector-port"));
        return later && live ? true : undefined;
      },
      30_000,
      "later and live data stored",
    );
    const dropped = await eventually(
      () =>
        counter(collector, "giamsat_agent_buffer_dropped_samples_total", {
          agent: "refused",
          reason: "refused",
        }),
      15_000,
      "drops reported",
    );
    expect(dropped).toBe(3);
    // Refused once, not again on every reconnect.
    expect(
      await counter(collector, "giamsat_collector_rejected_messages_total", {
        code: "invalid_message",
      }),
    ).toBe(1);
    const stored = await storedSamples(collector.configFile, "refused");
    expect(stored.filter((s) => s.endsWith(" 0.5"))).toEqual([]);
  });
});

describe("a non-finite value", () => {
  it("never reaches the collector: the sample is dropped and counted, the rest delivered", async () => {
    const { collector, config, buffer } = await setUp("finite");
    const ts = Date.now() - 10_000;
    const before = new Outbox({ path: buffer, maxBytes: 1e7 });
    before.append(
      entry(ts, [
        sample(ts, 0.125),
        sample(ts, Number.NaN, { n: "1" }),
        sample(ts, Number.POSITIVE_INFINITY, { n: "2" }),
        sample(ts, Number.NEGATIVE_INFINITY, { n: "3" }),
      ]),
    );
    before.close();

    startAgent(config);
    await eventually(
      async () => {
        const stored = await storedSamples(collector.configFile, "finite");
        return stored.some((s) => s.endsWith(" 0.125")) ? true : undefined;
      },
      30_000,
      "the finite sample stored",
    );
    const dropped = await eventually(
      () =>
        counter(collector, "giamsat_agent_buffer_dropped_samples_total", {
          agent: "finite",
          reason: "not_finite",
        }),
      15_000,
      "drops reported",
    );
    expect(dropped).toBe(3);
    expect(
      await counter(collector, "giamsat_collector_rejected_messages_total", {
        code: "invalid_message",
      }),
    ).toBe(0);
  });
});
