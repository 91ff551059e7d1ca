// The remote write sender against a scripted receiver on loopback that decodes every request and
// answers what each test tells it to: headers, labels, order, retries, refusals and the queue cap.
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/log.js";
import { RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { find, scrape } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import { eventually } from "../../helpers/processes.js";
import { promtool } from "../../helpers/prometheus.js";
import {
  normalized,
  type ReceivedRequest,
  receivedSeries,
  type ScriptedReceiver,
  sampleCount,
  startScriptedReceiver,
  storedSeries,
} from "../../helpers/remote-write.js";
import { syntheticBatch } from "../../helpers/synthetic.js";

/** Short waits, so retries and flushes happen within a test's time. */
const FAST = { flushInterval: "50ms", minBackoff: "20ms", maxBackoff: "200ms" };

interface Setup {
  receiver: ScriptedReceiver;
  collector: TestCollector;
  agent: RawAgent;
  /** Log records the collector wrote. */
  logs: Record<string, unknown>[];
  /** Sends batches seq from..to (one second apart) and waits for each ack. */
  report(from: number, to: number): Promise<void>;
  stored(): number;
  metric(name: string): Promise<number>;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A collector forwarding to a new scripted receiver; `query` is added to the receiver's URL. */
async function setup(endpoint: Record<string, unknown> = {}, query = ""): Promise<Setup> {
  const receiver = await startScriptedReceiver();
  cleanup.push(() => receiver.close());
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger("giamsat-collector", { level: "debug", destination });
  const collector = await testCollector(
    {
      remoteWrite: [
        {
          name: "scripted",
          url: `${receiver.url}${query}`,
          ...endpoint,
          queue: { ...FAST, ...(endpoint.queue as object) },
        },
      ],
    },
    { log },
  );
  cleanup.push(() => collector.stop());
  const agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
  cleanup.push(async () => agent.close());
  await agent.hello();
  const t0 = Date.now() - 600_000;
  return {
    receiver,
    collector,
    agent,
    logs,
    async report(from, to) {
      for (let seq = from; seq <= to; seq++) {
        // sentAt is now: an agent whose clock is right, whose samples are from the past.
        agent.send({ ...syntheticBatch(seq, t0 + seq * 1000), sentAt: Date.now() });
        await agent.next((m) => m.type === "ack" && m.seq === seq);
      }
    },
    stored: () => collector.query<{ n: number }>("SELECT count(*) AS n FROM samples")[0]?.n ?? 0,
    async metric(name) {
      const [sample] = find(await scrape(collector.url), name, { endpoint: "scripted" });
      if (!sample) throw new Error(`${name}{endpoint="scripted"} is not on /metrics`);
      return sample.value;
    },
  };
}

describe("remote write sender", () => {
  it("sends the standard headers and each stored sample once, labelled as on /metrics, in timestamp order", async () => {
    const s = await setup({
      basicAuth: { username: "danang", password: "s3cret-pass" },
      headers: { "X-Scope-OrgID": "danang" },
      // The series' own check label wins over this one, as in Prometheus.
      externalLabels: { city: "danang", check: "collector" },
    });
    await s.report(1, 4);
    // A repeated seq is acknowledged again but not stored, so not queued twice either.
    s.agent.send(syntheticBatch(4, Date.now()));
    await eventually(() =>
      s.agent.messages.filter((m) => m.type === "ack").length === 5 ? true : undefined,
    );
    await s.report(5, 6);

    await eventually(() => (sampleCount(s.receiver.accepted) >= s.stored() ? true : undefined));
    const expected = normalized(
      storedSeries(s.collector.query, { city: "danang", check: "collector" }),
    );
    expect(normalized(receivedSeries(s.receiver.accepted))).toEqual(expected);
    expect(sampleCount(s.receiver.accepted)).toBe(s.stored());
    // The agent's own counter has no check label: it takes the external one.
    expect(Object.keys(expected)).toContain(
      '{__name__="giamsat_agent_buffer_dropped_samples_total",agent="pc-01",check="collector",city="danang",unit="unit-a"}',
    );

    for (const { series } of s.receiver.accepted) {
      for (const one of series) {
        const names = one.labels.map(([name]) => name);
        expect(names).toEqual([...names].sort());
        expect(new Set(names).size).toBe(names.length);
        expect(names[0]).toBe("__name__");
        const ts = one.samples.map((x) => x.timestamp);
        expect(ts).toEqual([...ts].sort((a, b) => a - b));
      }
    }
    // Across requests too, each series arrives in timestamp order.
    for (const list of receivedSeries(s.receiver.accepted).values()) {
      const ts = list.map((x) => Number(x.split(" ")[0]));
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }

    const headers = (s.receiver.accepted[0] as ReceivedRequest).headers;
    expect(headers).toMatchObject({
      "content-encoding": "snappy",
      "content-type": "application/x-protobuf",
      "x-prometheus-remote-write-version": "0.1.0",
      "x-scope-orgid": "danang",
      authorization: `Basic ${Buffer.from("danang:s3cret-pass").toString("base64")}`,
    });
    expect(headers["user-agent"]).toMatch(/^giamsat-collector\/\d+\.\d+\.\d+/);

    expect(await s.metric("giamsat_remote_write_samples_sent_total")).toBe(s.stored());
    expect(await s.metric("giamsat_remote_write_samples_failed_total")).toBe(0);
    await eventually(async () =>
      (await s.metric("giamsat_remote_write_queue_samples")) === 0 ? true : undefined,
    );
    expect(await s.metric("giamsat_remote_write_queue_lag_seconds")).toBe(0);
    const tool = peer("promtool");
    if (tool) {
      const text = await (await fetch(`${s.collector.url}/metrics`)).text();
      expect(text).toContain('giamsat_remote_write_samples_sent_total{endpoint="scripted"}');
      expect(promtool(tool, ["check", "metrics"], text)).toEqual({ status: 0, output: "" });
    }
  });

  it("never logs credentials or the URL's query string", async () => {
    const s = await setup(
      { bearerToken: "tok-0123456789abcdef", headers: { "X-Scope-OrgID": "danang" } },
      "?api_key=query-secret",
    );
    const { receiver } = s;
    receiver.answer = () => ({ status: 503, body: "overloaded" });
    await s.report(1, 2);
    await eventually(() => (receiver.all.length >= 2 ? true : undefined));
    expect(receiver.all[0]?.request.headers.authorization).toBe("Bearer tok-0123456789abcdef");
    receiver.answer = () => ({ status: 204 });
    await eventually(() => (sampleCount(receiver.accepted) === s.stored() ? true : undefined));
    expect(s.logs.find((l) => l.msg === "forwarding samples with remote write")).toMatchObject({
      endpoint: "scripted",
      url: receiver.url,
    });
    expect(
      s.logs.find((l) => l.msg === "remote write failed; retrying with backoff"),
    ).toMatchObject({
      endpoint: "scripted",
      reason: "HTTP 503: overloaded",
      status: 503,
    });
    const text = JSON.stringify(s.logs);
    for (const secret of ["tok-0123456789abcdef", "query-secret", "api_key"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("retries 5xx answers and cut connections with backoff until accepted: nothing lost or doubled", async () => {
    const s = await setup({ queue: { batchSamples: 50 } });
    const script: Partial<Record<number, { status: number; destroy?: boolean }>> = {
      0: { status: 503 },
      1: { status: 0, destroy: true },
      2: { status: 500 },
      4: { status: 502 },
    };
    s.receiver.answer = () => script[s.receiver.all.length] ?? { status: 204 };
    await s.report(1, 5);
    await eventually(() => (sampleCount(s.receiver.accepted) >= s.stored() ? true : undefined));
    expect(normalized(receivedSeries(s.receiver.accepted))).toEqual(
      normalized(storedSeries(s.collector.query)),
    );
    const failed = s.receiver.all.filter((r) => r.status < 200 || r.status >= 300);
    expect(failed.map((r) => r.status)).toEqual([503, 0, 500, 502]);
    // Each failed request is sent again as it was: same samples, same order.
    for (const { request } of failed) {
      const retry = s.receiver.all[s.receiver.all.findIndex((r) => r.request === request) + 1];
      expect(retry?.request.series).toEqual(request.series);
    }
    expect(await s.metric("giamsat_remote_write_samples_retried_total")).toBe(
      sampleCount(failed.map((r) => r.request)),
    );
    expect(await s.metric("giamsat_remote_write_samples_sent_total")).toBe(s.stored());
    expect(s.logs.filter((l) => l.msg === "remote write succeeded again").length).toBeGreaterThan(
      0,
    );
  });

  it("waits as long as a 429's Retry-After says", async () => {
    const s = await setup();
    s.receiver.answer = () =>
      s.receiver.all.length === 0
        ? { status: 429, headers: { "Retry-After": "1" }, body: "slow down" }
        : { status: 204 };
    await s.report(1, 1);
    await eventually(() => (s.receiver.accepted.length > 0 ? true : undefined));
    const [limited, next] = s.receiver.all;
    expect(limited?.status).toBe(429);
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(next?.request.series).toEqual(limited?.request.series);
    expect(sampleCount(s.receiver.accepted)).toBe(s.stored());
  });

  it("logs, counts and drops what a 4xx refuses, without retrying it, and goes on", async () => {
    const s = await setup();
    s.receiver.answer = () =>
      s.receiver.all.length === 0 ? { status: 400, body: "out of order sample" } : { status: 204 };
    await s.report(1, 1);
    await eventually(() => (s.receiver.all.length === 1 ? true : undefined));
    const refused = sampleCount([(s.receiver.all[0] as { request: ReceivedRequest }).request]);
    expect(refused).toBe(s.stored());
    await s.report(2, 3);
    await eventually(() =>
      sampleCount(s.receiver.accepted) === s.stored() - refused ? true : undefined,
    );
    // The refused samples never came again.
    const firstTs = s.receiver.all[0]?.request.series[0]?.samples[0]?.timestamp ?? 0;
    expect(
      s.receiver.accepted
        .flatMap((r) => r.series.flatMap((x) => x.samples))
        .some((x) => x.timestamp === firstTs),
    ).toBe(false);
    expect(await s.metric("giamsat_remote_write_samples_failed_total")).toBe(refused);
    expect(await s.metric("giamsat_remote_write_samples_retried_total")).toBe(0);
    expect(
      s.logs.find((l) => l.msg === "remote write refused by the receiver; samples dropped"),
    ).toMatchObject({
      level: "error",
      endpoint: "scripted",
      status: 400,
      body: "out of order sample",
      samples: refused,
    });
  });

  it("drops the oldest samples past the queue cap, counted, and sends the newest", async () => {
    const s = await setup({ queue: { maxSamples: 1000, batchSamples: 100 } });
    s.receiver.answer = () => ({ status: 503 });
    // Every series exists from the start, so increase() sees the first drop.
    expect(await s.metric("giamsat_remote_write_samples_dropped_total")).toBe(0);
    await s.report(1, 30);
    const stored = s.stored();
    expect(stored).toBeGreaterThan(1500);
    await eventually(async () =>
      (await s.metric("giamsat_remote_write_samples_dropped_total")) > 0 ? true : undefined,
    );
    expect(await s.metric("giamsat_remote_write_queue_samples")).toBeLessThanOrEqual(1000);
    expect(
      s.logs.find((l) => l.msg === "remote write queue full; oldest samples dropped"),
    ).toMatchObject({
      level: "warn",
      endpoint: "scripted",
      maxSamples: 1000,
    });
    // The oldest waiting sample is from the first batches, ten minutes ago.
    expect(await s.metric("giamsat_remote_write_queue_lag_seconds")).toBeGreaterThan(500);

    s.receiver.answer = () => ({ status: 204 });
    await eventually(async () =>
      (await s.metric("giamsat_remote_write_queue_samples")) === 0 ? true : undefined,
    );
    const sent = await s.metric("giamsat_remote_write_samples_sent_total");
    const dropped = await s.metric("giamsat_remote_write_samples_dropped_total");
    expect(sent + dropped).toBe(stored);
    expect(sampleCount(s.receiver.accepted)).toBe(sent);
    // What arrived is exactly the newest part of what was stored.
    const received = normalized(receivedSeries(s.receiver.accepted));
    const boundary = Math.min(
      ...Object.values(received).flatMap((list) => list.map((x) => Number(x.split(" ")[0]))),
    );
    const newer = Object.entries(normalized(storedSeries(s.collector.query))).flatMap(
      ([key, list]) =>
        list.filter((x) => Number(x.split(" ")[0]) > boundary).map((x) => `${key} ${x}`),
    );
    const got = new Set(
      Object.entries(received).flatMap(([key, list]) => list.map((x) => `${key} ${x}`)),
    );
    for (const sample of newer) expect(got.has(sample)).toBe(true);
    expect(newer.length).toBeGreaterThan(900 - 100);
  });
});
