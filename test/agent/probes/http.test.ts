// The http probe against real HTTP servers on loopback: status, keyword, redirects, refusals, timeouts.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../agent/config.js";
import { METRICS } from "../../../shared/metrics.js";
import {
  closedWithin,
  configError,
  expectEndedAtTimeout,
  runCheck,
  sampleValue,
  writeChecks,
} from "../../helpers/checks.js";
import { AGENT_CLI, runCli, tempDir } from "../../helpers/processes.js";

const PAGE = "<html><body><h1>Cổng thông tin điện tử thành phố</h1></body></html>";
const dir = tempDir();
let server: Server;
let base: string;
const seen: { url: string; method: string; token?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      url: req.url ?? "",
      method: req.method ?? "",
      token: req.headers["x-token"] as string | undefined,
    });
    const hops = /^\/hops\/(\d+)$/.exec(req.url ?? "");
    if (hops) {
      const left = Number(hops[1]);
      res.writeHead(302, { location: left > 0 ? `/hops/${left - 1}` : "/" }).end();
    } else if (req.url === "/") {
      res
        .writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-length": Buffer.byteLength(PAGE),
        })
        .end(req.method === "HEAD" ? undefined : PAGE);
    } else if (req.url === "/error") {
      res.writeHead(500).end("broken");
    } else if (req.url === "/old") {
      res.writeHead(301, { location: "/" }).end();
    } else if (req.url === "/elsewhere") {
      res.writeHead(302, { location: "ftp://files.example/" }).end();
    } else if (req.url === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("x".repeat(1024 * 1024 + 10));
      res.end("Cổng thông tin");
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
  dir.remove();
});

const check = (fields: string) => `{ name: portal, category: website, kind: http, ${fields} }`;

describe("http probe", () => {
  it("is up when the page answers 200 and holds the Vietnamese keyword", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/", contains: "Cổng thông tin"`));
    expect(out.result).toMatchObject({ up: true, kind: "http" });
    expect(out.result.reason).toBeUndefined();
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(200);
    expect(sampleValue(out, METRICS.httpRedirects.name)).toBe(0);
    expect(sampleValue(out, METRICS.httpContentLength.name)).toBe(Buffer.byteLength(PAGE));
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBeUndefined();
    expect(out.outcome.summary).toEqual({
      status: "200",
      redirects: "0",
      size: `${Buffer.byteLength(PAGE)} B`,
    });
  });

  it("is down with reason content when the keyword is missing (case-sensitive)", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/", contains: "cổng thông tin"`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "content",
      message: '"cổng thông tin" not found in the body',
    });
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(200);
  });

  it("looks for the keyword in the first MiB only", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/big", contains: "Cổng thông tin"`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "content",
      message: '"Cổng thông tin" not found in the first MiB of the body',
    });
    expect(sampleValue(out, METRICS.httpContentLength.name)).toBeUndefined();
  });

  it("is down with reason status on HTTP 500, or up when 500 is expected", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/error"`));
    expect(out.result).toMatchObject({ up: false, reason: "status", message: "HTTP 500" });
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(500);
    const expected = await runCheck(dir.path, check(`url: "${base}/error", expectStatus: [500]`));
    expect(expected.result.up).toBe(true);
  });

  it("follows redirects, counting them", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/hops/2", contains: "Cổng"`));
    expect(out.result.up).toBe(true);
    expect(sampleValue(out, METRICS.httpRedirects.name)).toBe(3);
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(200);
  });

  it("gives up after 5 redirects", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/hops/5"`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "status",
      message: "more than 5 redirects",
    });
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(302);
  });

  it("judges the 3xx itself when redirects are not followed", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/old", followRedirects: false`));
    expect(out.result).toMatchObject({ up: false, reason: "status", message: "HTTP 301 to /" });
    expect(out.outcome.summary).toEqual({ status: "301", size: "0 B" });
    const expected = await runCheck(
      dir.path,
      check(`url: "${base}/old", followRedirects: false, expectStatus: [301, 308]`),
    );
    expect(expected.result.up).toBe(true);
  });

  it("refuses a redirect to something that is not http(s)", async () => {
    const out = await runCheck(dir.path, check(`url: "${base}/elsewhere"`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "protocol",
      message: 'HTTP 302 redirects to an unusable location "ftp://files.example/"',
    });
  });

  it("sends HEAD and the configured headers", async () => {
    seen.length = 0;
    const out = await runCheck(
      dir.path,
      check(`url: "${base}/", method: HEAD, headers: { X-Token: "t-1" }`),
    );
    expect(out.result.up).toBe(true);
    expect(seen).toEqual([{ url: "/", method: "HEAD", token: "t-1" }]);
    expect(sampleValue(out, METRICS.httpContentLength.name)).toBe(Buffer.byteLength(PAGE));
  });

  it("is down with reason refused on a closed port", async () => {
    const closed = createTcpServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, "close");
    const out = await runCheck(dir.path, check(`url: "http://127.0.0.1:${port}/"`));
    expect(out.result).toMatchObject({
      up: false,
      reason: "refused",
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    expect(out.samples).toEqual([]);
  });

  it("times out against a server that never answers, and closes the connection", async () => {
    const sockets: Socket[] = [];
    // Reads what comes in (so it sees the end of the connection) and never answers.
    const silent = createTcpServer((socket) => sockets.push(socket.resume())).listen(
      0,
      "127.0.0.1",
    );
    await once(silent, "listening");
    const { port } = silent.address() as AddressInfo;
    try {
      const out = await runCheck(
        dir.path,
        check(`url: "http://127.0.0.1:${port}/", timeout: "500ms"`),
      );
      expectEndedAtTimeout(out, 500);
      expect(sockets).toHaveLength(1);
      // The probe destroyed its socket at the timeout: the server sees the end at once.
      await closedWithin(sockets[0]);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it("giamsat-agent check prints the http row", async () => {
    const file = writeChecks(dir.path, [check(`url: "${base}/", contains: "Cổng thông tin"`)]);
    const result = await runCli(AGENT_CLI, ["check", "--offline", "--config", file]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^portal\s+website\s+http\s+up\s+\d+ ms\s+status=200 redirects=0 size=\d+ B$/m,
    );
  });
});

describe("http check config", () => {
  it.each([
    [
      check(`url: "ftp://example.gov.vn/"`),
      'agent.yaml: checks[0] (portal).url: must be an http:// or https:// URL, got "ftp://example.gov.vn/"',
    ],
    [
      check(`url: "https//example"`),
      'agent.yaml: checks[0] (portal).url: must be an http:// or https:// URL, got "https//example"',
    ],
    [
      "{ name: portal, category: website, kind: http }",
      "agent.yaml: checks[0] (portal).url: is required",
    ],
    [
      check(`url: "https://example.gov.vn/", expectStatus: [200, 99]`),
      "agent.yaml: checks[0] (portal).expectStatus[1]: must be an HTTP status code (100-599)",
    ],
    [
      check(`url: "https://example.gov.vn/", expectStatus: 200`),
      "agent.yaml: checks[0] (portal).expectStatus: expected array, got 200",
    ],
    [
      check(`url: "https://example.gov.vn/", method: POST`),
      'agent.yaml: checks[0] (portal).method: must be one of "GET", "HEAD", got "POST"',
    ],
    [
      check(`url: "https://example.gov.vn/", method: HEAD, contains: "x"`),
      "agent.yaml: checks[0] (portal).contains: needs method GET (a HEAD response has no body)",
    ],
    [
      check(`url: "https://example.gov.vn/", headers: { "bad name": "x" }`),
      "agent.yaml: checks[0] (portal).headers.bad name: is not a valid header name",
    ],
    [
      check(`url: "https://example.gov.vn/", keyword: "x"`),
      'agent.yaml: checks[0] (portal): unknown key "keyword"',
    ],
    [
      check(`url: "https://example.gov.vn/", ca: "no-such-ca.pem"`),
      'agent.yaml: checks[0] (portal).ca: cannot read "no-such-ca.pem" (no such file)',
    ],
  ])("refuses %s", (body, message) => {
    expect(configError(dir.path, [body])).toBe(message);
  });

  it("fills the defaults", () => {
    const config = loadAgentConfig(
      writeChecks(dir.path, [check(`url: "https://example.gov.vn/"`)]),
    );
    expect(config.checks[0]).toEqual({
      name: "portal",
      category: "website",
      kind: "http",
      url: "https://example.gov.vn/",
      method: "GET",
      followRedirects: true,
      insecureSkipVerify: false,
      interval: 60_000,
      timeout: 10_000,
    });
  });

  it("giamsat-agent check exits 2 naming the field", async () => {
    const file = writeChecks(dir.path, [check(`url: "example.gov.vn"`)], "cli.yaml");
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}: checks[0] (portal).url: must be an http:// or https:// URL, got "example.gov.vn"\n`,
    );
  });
});
