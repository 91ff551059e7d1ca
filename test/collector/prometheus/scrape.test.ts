// GET /metrics on a running collector: the bearer token, HEAD, gzip when asked, and series that
// exist from the start (refusal counters at 0, enrolled agents shown disconnected after a restart).
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector } from "../../../collector/collector.js";
import { acceptsGzip } from "../../../collector/prometheus/scrape.js";
import { PROTOCOL_ERRORS } from "../../../shared/errors.js";
import { silentLogger } from "../../../shared/log.js";
import { batch, RawAgent, type TestCollector, testCollector } from "../../helpers/collector.js";
import { find, parseExposition } from "../../helpers/metrics.js";

const TOKEN = "metrics-token-0123456789";
const auth = { Authorization: `Bearer ${TOKEN}` };

let collector: TestCollector;
beforeAll(async () => {
  // One agent with 6,000 series, past the default cap.
  collector = await testCollector({
    metrics: { token: TOKEN },
    limits: { seriesPerAgent: 10_000 },
  });
});
afterAll(() => collector.stop());

describe("/metrics", () => {
  it("answers 401 with WWW-Authenticate without the bearer token, 200 with it", async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: "Bearer wrong-0123456789" }];
    for (const headers of attempts) {
      const refused = await fetch(`${collector.url}/metrics`, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toBe("Bearer");
      expect(await refused.text()).toBe("a bearer token is required for /metrics\n");
    }
    const ok = await fetch(`${collector.url}/metrics`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await ok.text()).toContain("# TYPE giamsat_collector_series gauge");
  });

  it("shows a store with nothing to upgrade as upgraded", async () => {
    const samples = parseExposition(
      await (await fetch(`${collector.url}/metrics`, { headers: auth })).text(),
    );
    expect(find(samples, "giamsat_collector_store_upgrade_progress_ratio")[0]?.value).toBe(1);
  });

  it("says the collector's own version, which alert rules compare each agent's with", async () => {
    const samples = parseExposition(
      await (await fetch(`${collector.url}/metrics`, { headers: auth })).text(),
    );
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(find(samples, "giamsat_collector_info")).toEqual([
      expect.objectContaining({ labels: { version: pkg.version }, value: 1 }),
    ]);
  });

  it("answers HEAD with the headers alone", async () => {
    const head = await fetch(`${collector.url}/metrics`, { method: "HEAD", headers: auth });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("exposes every refusal code at 0 before the first refusal, so increase() sees the first", async () => {
    const samples = parseExposition(
      await (await fetch(`${collector.url}/metrics`, { headers: auth })).text(),
    );
    const codes = find(samples, "giamsat_collector_rejected_messages_total").map(
      (s) => s.labels.code,
    );
    expect(codes.sort()).toEqual(["unauthorized", ...Object.keys(PROTOCOL_ERRORS)].sort());
  });

  it("survives a scraper that hangs up half-way, and serves the next scrape whole", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-b", "many-1"));
    await agent.hello();
    const ts = Date.now();
    // ~6,000 lines, several pieces of /metrics.
    const samples = Array.from({ length: 6000 }, (_, i) => ({
      metric: "giamsat_snmp_interface_up",
      labels: { check: "core-sw", category: "lan", kind: "snmp", interface: `port-${i}` },
      ts,
      value: 1,
    }));
    agent.send(batch(1, ts, { samples }));
    await agent.next((m) => m.type === "ack");
    agent.close();

    const firstBytes = await new Promise<number>((resolve, reject) => {
      const request = get(`${collector.url}/metrics`, { headers: auth }, (response) => {
        response.once("data", (chunk: Buffer) => {
          request.destroy();
          resolve(chunk.length);
        });
      });
      request.on("error", (error) => {
        if (!request.destroyed) reject(error);
      });
    });
    expect(firstBytes).toBeGreaterThan(0);
    const text = await (await fetch(`${collector.url}/metrics`, { headers: auth })).text();
    const parsed = parseExposition(text);
    expect(find(parsed, "giamsat_snmp_interface_up", { agent: "many-1" })).toHaveLength(6000);
    expect(text.endsWith("\n")).toBe(true);
    expect(find(parsed, "giamsat_collector_series")[0]?.value).toBeGreaterThanOrEqual(6000);
  });

  it("answers in gzip when asked, the same exposition once decompressed, and plain otherwise", async () => {
    const scrape = (encoding: string | undefined) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const headers = { ...auth, ...(encoding ? { "Accept-Encoding": encoding } : {}) };
        get(`${collector.url}/metrics`, { headers }, (response) => {
          const parts: Buffer[] = [];
          response.on("data", (part: Buffer) => parts.push(part));
          response.on("end", () =>
            resolve({ headers: response.headers, body: Buffer.concat(parts) }),
          );
        }).on("error", reject);
      });
    // The agents' series: the collector's own (timings, memory) may move between two scrapes.
    const agentLines = (text: string) =>
      text.split("\n").filter((line) => line.startsWith("giamsat_snmp_interface_up{"));
    const plain = await scrape(undefined);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    const lines = agentLines(plain.body.toString("utf8"));
    expect(lines.length).toBeGreaterThanOrEqual(6000);
    // As Prometheus asks; and a hang-up half-way through a gzipped answer harms nothing.
    const zipped = await scrape("gzip");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("Accept-Encoding");
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    const text = gunzipSync(zipped.body).toString("utf8");
    expect(agentLines(text)).toEqual(lines);
    expect(text).toContain("# TYPE giamsat_collector_series gauge");
    await new Promise<void>((resolve) => {
      const request = get(
        `${collector.url}/metrics`,
        { headers: { ...auth, "Accept-Encoding": "gzip" } },
        (response) => response.once("data", () => resolve(request.destroy() && undefined)),
      );
      request.on("error", () => {});
    });
    expect((await scrape("gzip;q=0, identity")).headers["content-encoding"]).toBeUndefined();
    expect(agentLines(gunzipSync((await scrape("deflate, gzip")).body).toString())).toEqual(lines);
  });

  it("takes gzip as RFC 9110 says: named with a quality above 0, or not named and * taken", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("deflate, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("x-gzip")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip("")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("*, gzip;q=0")).toBe(false);
    expect(acceptsGzip("*;q=0")).toBe(false);
    expect(acceptsGzip("br, deflate")).toBe(false);
  });

  it("shows agents enrolled before a restart as disconnected, with their last message time", async () => {
    const agent = new RawAgent(collector.url, collector.enroll("unit-a", "restart-1"));
    await agent.hello();
    agent.send(batch(1, Date.now()));
    await agent.next((m) => m.type === "ack");
    agent.close();
    await agent.closed;
    collector.enroll("unit-b", "never-1");
    await collector.close();

    const again = await startCollector(collector.config, silentLogger());
    try {
      const text = await (await fetch(`${again.url}/metrics`, { headers: auth })).text();
      const samples = parseExposition(text);
      expect(find(samples, "giamsat_agent_connected", { agent: "restart-1" })).toEqual([
        {
          name: "giamsat_agent_connected",
          labels: { unit: "unit-a", agent: "restart-1" },
          value: 0,
        },
      ]);
      expect(find(samples, "giamsat_agent_connected", { agent: "never-1" })[0]?.value).toBe(0);
      const seen = find(samples, "giamsat_agent_last_seen_timestamp_seconds", {
        agent: "restart-1",
      });
      expect(seen[0]?.value).toBeGreaterThan(Date.now() / 1000 - 60);
      expect(
        find(samples, "giamsat_agent_last_seen_timestamp_seconds", { agent: "never-1" }),
      ).toEqual([]);
      // The series the agent sent before the restart are still served from the store.
      expect(find(samples, "giamsat_ping_rtt_seconds", { agent: "restart-1" })).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
