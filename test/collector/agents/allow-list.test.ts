// What an agent may name: a real collector process takes only the metrics of the metric table with
// the labels each declares (and a check's extra metrics), never a label Prometheus reserves or one
// that passes for the collector's own, never a name of the collector's own series. Whatever an
// agent sends, /metrics stays a text Prometheus and promtool accept.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent } from "../../helpers/collector.js";
import { parseExposition } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import { type CollectorProcess, startCollectorProcess, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
let collector: CollectorProcess;

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path);
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

const CHECK = { check: "gw", category: "lan", kind: "ping" };

function batchOf(seq: number, samples: Record<string, unknown>[]) {
  const ts = Date.now();
  return {
    type: "batch",
    v: 1,
    seq,
    sentAt: ts,
    results: [{ ...CHECK, ts, up: true, duration: 0.01 }],
    samples: samples.map((s) => ({ ts, value: 1, ...s })),
  };
}

async function connected(name: string): Promise<RawAgent> {
  const agent = new RawAgent(collector.url, await collector.enroll("so-tttt", name));
  await agent.hello();
  return agent;
}

async function exposition(): Promise<string> {
  return (await fetch(`${collector.url}/metrics`)).text();
}

/** promtool's verdict on the exposition: exit 0 or 3 (style only), never a parse error. */
function promtoolProblems(text: string): string | undefined {
  const promtool = peer("promtool");
  if (!promtool) return undefined;
  const result = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
  const out = result.stderr + result.stdout;
  if (result.status === 0 || (result.status === 3 && !/error|parsing/i.test(out))) return undefined;
  return out;
}

describe("labels an agent may not use", () => {
  it.each([
    ["__name__", "names beginning with __ are reserved by Prometheus"],
    ["__meta_x", "names beginning with __ are reserved by Prometheus"],
    ["Unit", 'differs only by case from "unit", which the collector sets'],
    ["AGENT", 'differs only by case from "agent", which the collector sets'],
  ])("refuses a sample labelled %s as invalid, and /metrics stays valid", async (label, why) => {
    const agent = await connected(`label-${label.toLowerCase()}`);
    agent.send(
      batchOf(1, [
        { metric: "giamsat_ping_rtt_seconds", labels: { ...CHECK, [label]: "giamsat_check_up" } },
      ]),
    );
    expect(await agent.closed).toBe(1008);
    const error = agent.messages.find((m) => m.type === "error");
    expect(error).toEqual({
      type: "error",
      code: "invalid_message",
      message: `invalid message: samples[0].labels.${label}: ${why}`,
      seq: 1,
    });
    const text = await exposition();
    expect(text).not.toContain(`${label}=`);
    expect(promtoolProblems(text)).toBeUndefined();
  });
});

describe("names of the collector's own series", () => {
  it.each([
    "giamsat_collector_process_resident_memory_bytes",
    "giamsat_collector_ingested_samples_total",
    "giamsat_remote_write_queue_samples",
    "giamsat_agent_connected",
  ])("refuses %s from an agent, and the collector's series is exposed once", async (metric) => {
    const agent = await connected(`spoof-${metric.length}-${metric.slice(8, 14)}`);
    agent.send(batchOf(1, [{ metric, labels: CHECK, value: 1e12 }]));
    expect(await agent.closed).toBe(1008);
    expect(agent.messages.find((m) => m.type === "error")).toMatchObject({
      code: "invalid_message",
      message: `samples[0].metric: ${metric} is the collector's own, not an agent's`,
      seq: 1,
    });
    const text = await exposition();
    const types = text.split("\n").filter((line) => line.startsWith(`# TYPE ${metric} `));
    expect(types.length).toBeLessThanOrEqual(1);
    expect(text).not.toMatch(/ 1000000000000$/m);
    expect(promtoolProblems(text)).toBeUndefined();
  });
});

describe("the metric table as an allow-list", () => {
  it("stores what the table declares and refuses, sample by sample, what it does not", async () => {
    const agent = await connected("allow-1");
    agent.send(
      batchOf(1, [
        { metric: "giamsat_ping_rtt_seconds", labels: CHECK, value: 0.002 },
        { metric: "giamsat_ping_rtt_seconds", labels: { ...CHECK, colour: "red" } },
        { metric: "giamsat_made_up_total", labels: { colour: "red" } },
        {
          metric: "giamsat_snmp_interface_up",
          labels: { ...CHECK, kind: "snmp", interface: "ge-0/0/1", index: "1" },
        },
        { metric: "giamsat_agent_buffer_dropped_samples_total", labels: { reason: "full" } },
        { metric: "giamsat_agent_buffer_dropped_samples_total", labels: { ...CHECK } },
        // An SNMP check's extra OID: a name of its own, the check's labels and its own labels.
        {
          metric: "giamsat_ups_input_voltage_volts",
          labels: { ...CHECK, kind: "snmp", ups: "main" },
          value: 229,
        },
      ]),
    );
    const refused = await agent.next((m) => m.type === "refused");
    expect(refused).toEqual({
      type: "refused",
      seq: 1,
      samples: { undeclared_label: 2, unknown_metric: 1 },
      message:
        'samples[1]: giamsat_ping_rtt_seconds does not take the label "colour" (it takes check, category, kind)',
    });
    expect(await agent.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: 1 });
    // The refusal comes first, so the agent has counted it when the batch leaves its outbox.
    expect(agent.messages.map((m) => m.type)).toEqual(["welcome", "refused", "ack"]);
    const stored = parseExposition(await exposition()).filter((s) => s.labels.agent === "allow-1");
    expect(stored.map((s) => s.name).sort()).toEqual([
      "giamsat_agent_buffer_dropped_samples_total",
      "giamsat_agent_clock_offset_seconds",
      "giamsat_agent_connected",
      "giamsat_agent_info",
      "giamsat_agent_last_seen_timestamp_seconds",
      "giamsat_agent_refused_samples_total",
      "giamsat_agent_refused_samples_total",
      "giamsat_agent_refused_samples_total",
      "giamsat_agent_refused_samples_total",
      "giamsat_agent_refused_samples_total",
      "giamsat_agent_refused_samples_total",
      "giamsat_check_duration_seconds",
      "giamsat_check_up",
      "giamsat_ping_rtt_seconds",
      "giamsat_snmp_interface_up",
      "giamsat_ups_input_voltage_volts",
    ]);
    const counted = Object.fromEntries(
      stored
        .filter((s) => s.name === "giamsat_agent_refused_samples_total")
        .map((s) => [s.labels.reason, s.value]),
    );
    expect(counted).toEqual({
      unknown_metric: 1,
      undeclared_label: 2,
      labels_too_long: 0,
      future_timestamp: 0,
      agent_series_limit: 0,
      collector_series_limit: 0,
    });
    expect(promtoolProblems(await exposition())).toBeUndefined();
    // One log line for the refusals of the interval, naming the agent and the first problem.
    const logged = await collector.program.waitForLog((l) => l.msg === "agent samples refused");
    expect(logged).toMatchObject({
      unit: "so-tttt",
      agent: "allow-1",
      refused: { undeclared_label: 2, unknown_metric: 1 },
    });
    agent.close();
  });

  it("refuses a check's extra metric that lacks the check's labels or has too many", async () => {
    const agent = await connected("allow-2");
    const own = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`l${i}`, "x"]));
    agent.send(
      batchOf(1, [
        { metric: "giamsat_ups_load_ratio", labels: { ups: "main" } },
        { metric: "giamsat_ups_load_ratio", labels: { ...CHECK, ...own } },
      ]),
    );
    const refused = await agent.next((m) => m.type === "refused");
    expect(refused).toMatchObject({ samples: { unknown_metric: 1, undeclared_label: 1 } });
    expect(await agent.next((m) => m.type === "ack")).toEqual({ type: "ack", seq: 1 });
    agent.close();
  });
});
