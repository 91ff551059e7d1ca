// The dns probe against a small DNS server on UDP 127.0.0.1: answers, counts, reasons, timeouts.
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../agent/config.js";
import { parseDnsServer } from "../../../shared/config/checks/dns.js";
import { METRICS } from "../../../shared/metrics.js";
import {
  configError,
  expectEndedAtTimeout,
  runCheck,
  sampleValue,
  writeChecks,
} from "../../helpers/checks.js";
import { type DnsServer, startDnsServer } from "../../helpers/dns-server.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer({
    "example.gov.vn": {
      A: ["192.0.2.10", "192.0.2.11"],
      AAAA: ["2001:db8::10"],
      MX: [
        { priority: 20, exchange: "mail2.example.gov.vn" },
        { priority: 10, exchange: "mail.example.gov.vn" },
      ],
      TXT: [["v=spf1 ip4:192.0.2.0/24 ", "-all"], ["cổng thông tin"]],
      NS: ["ns1.example.gov.vn", "ns2.example.gov.vn"],
    },
    "www.example.gov.vn": { CNAME: "example.gov.vn" },
    "xn--cng-qmz.vn": { A: ["192.0.2.20"] },
  });
});

afterAll(async () => {
  await dns.close();
  dir.remove();
});

const check = (fields: string) =>
  `{ name: portal-dns, category: online_app, kind: dns, server: "${dns.address}", ${fields} }`;

describe("dns probe", () => {
  it("looks up A records (the default type) and counts them", async () => {
    const out = await runCheck(dir.path, check("query: example.gov.vn"));
    expect(out.result).toMatchObject({ up: true, kind: "dns" });
    expect(sampleValue(out, METRICS.dnsAnswers.name)).toBe(2);
    expect(out.outcome.summary).toEqual({ answers: "2", values: "192.0.2.10 192.0.2.11" });
    expect(dns.queries.at(-1)).toBe("example.gov.vn A");
  });

  it.each([
    ["AAAA", "2001:db8::10"],
    ["MX", "10 mail.example.gov.vn 20 mail2.example.gov.vn"],
    ["TXT", "v=spf1 ip4:192.0.2.0/24 -all cổng thông tin"],
    ["CNAME", "example.gov.vn"],
    ["NS", "ns1.example.gov.vn ns2.example.gov.vn"],
  ])("looks up %s records", async (type, values) => {
    const name = type === "CNAME" ? "www.example.gov.vn" : "example.gov.vn";
    const out = await runCheck(dir.path, check(`query: ${name}, type: ${type}`));
    expect(out.result.up).toBe(true);
    expect(out.outcome.summary?.values).toBe(values);
  });

  it("asks for a Vietnamese name in its ASCII form", async () => {
    const out = await runCheck(dir.path, check("query: cổng.vn"));
    expect(out.outcome.summary?.values).toBe("192.0.2.20");
    expect(dns.queries.at(-1)).toBe("xn--cng-qmz.vn A");
  });

  it("is down with reason dns for a name that does not exist, and for no answer", async () => {
    const missing = await runCheck(dir.path, check("query: nothing.example.gov.vn"));
    expect(missing.result).toMatchObject({ up: false, reason: "dns", message: "no such name" });
    expect(sampleValue(missing, METRICS.dnsAnswers.name)).toBe(0);
    const empty = await runCheck(dir.path, check("query: www.example.gov.vn, type: MX"));
    expect(empty.result).toMatchObject({ up: false, reason: "dns", message: "no answer" });
    expect(sampleValue(empty, METRICS.dnsAnswers.name)).toBe(0);
  });

  it("checks expected answers", async () => {
    const present = await runCheck(
      dir.path,
      check(
        `query: example.gov.vn, type: MX, expect: [MAIL.example.gov.vn., "20 mail2.example.gov.vn"]`,
      ),
    );
    expect(present.result.up).toBe(true);
    const v6 = await runCheck(
      dir.path,
      check(`query: example.gov.vn, type: AAAA, expect: ["2001:0db8:0:0::10"]`),
    );
    expect(v6.result.up).toBe(true);
    const absent = await runCheck(
      dir.path,
      check(`query: example.gov.vn, expect: [192.0.2.10, 192.0.2.99]`),
    );
    expect(absent.result).toMatchObject({
      up: false,
      reason: "content",
      message: "missing 192.0.2.99; got 192.0.2.10, 192.0.2.11",
    });
    expect(sampleValue(absent, METRICS.dnsAnswers.name)).toBe(2);
  });

  it("is down with reason refused when the server refuses the query", async () => {
    dns.mode = "refuse";
    try {
      const out = await runCheck(dir.path, check("query: example.gov.vn"));
      expect(out.result).toMatchObject({
        up: false,
        reason: "refused",
        message: "the server refused the query",
      });
    } finally {
      dns.mode = "answer";
    }
  });

  it("is down with reason refused when nothing listens on the server's port", async () => {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const out = await runCheck(
      dir.path,
      `{ name: d, category: online_app, kind: dns, query: example.gov.vn, server: "127.0.0.1:${port}" }`,
    );
    expect(out.result).toMatchObject({
      up: false,
      reason: "refused",
      message: "the server refused the connection",
    });
  });

  it("times out when the server never answers", async () => {
    dns.mode = "silent";
    try {
      const before = dns.queries.length;
      const out = await runCheck(dir.path, check(`query: example.gov.vn, timeout: "400ms"`));
      expectEndedAtTimeout(out, 400);
      expect(dns.queries.length).toBeGreaterThan(before);
    } finally {
      dns.mode = "answer";
    }
  });
});

describe("dns check config", () => {
  it("takes the name to look up from `query`; `name` stays the check's own", () => {
    const config = loadAgentConfig(
      writeChecks(dir.path, [
        "{ name: dns, category: online_app, kind: dns, query: Example.GOV.vn, server: 192.0.2.53 }",
      ]),
    );
    expect(config.checks[0]).toMatchObject({
      name: "dns",
      query: "example.gov.vn",
      type: "A",
      server: "192.0.2.53:53",
    });
  });

  it.each([
    ["192.0.2.53", "192.0.2.53:53"],
    ["192.0.2.53:5353", "192.0.2.53:5353"],
    ["2001:db8::53", "[2001:db8::53]:53"],
    ["[2001:db8::53]:5353", "[2001:db8::53]:5353"],
    ["dns.example", undefined],
    ["192.0.2.53:0", undefined],
  ])("server %s is %s", (text, server) => {
    expect(parseDnsServer(text)).toBe(server);
  });

  it.each([
    [
      "{ name: d, category: online_app, kind: dns }",
      "agent.yaml: checks[0] (d).query: is required",
    ],
    [
      "{ name: d, category: online_app, kind: dns, query: example.gov.vn, type: SRV }",
      'agent.yaml: checks[0] (d).type: must be one of "A", "AAAA", "MX", "TXT", "CNAME", "NS", got "SRV"',
    ],
    [
      "{ name: d, category: online_app, kind: dns, query: example.gov.vn, server: dns.example }",
      'agent.yaml: checks[0] (d).server: "dns.example" is not an IP address or ip:port',
    ],
    [
      "{ name: d, category: online_app, kind: dns, query: example.gov.vn, expect: [] }",
      "agent.yaml: checks[0] (d).expect: Too small: expected array to have >=1 items",
    ],
    [
      "{ name: d, category: online_app, kind: dns, query: example.gov.vn, record: A }",
      'agent.yaml: checks[0] (d): unknown key "record"',
    ],
  ])("refuses %s", (body, message) => {
    expect(configError(dir.path, [body])).toBe(message);
  });
});
