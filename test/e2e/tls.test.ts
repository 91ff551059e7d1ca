// HTTPS and WSS end to end with a test CA: agents connect with the right CA or pin and refuse a wrong
// one, the collector reloads its certificate on SIGHUP, and cookies are Secure over HTTPS.
import { createHash, X509Certificate } from "node:crypto";
import { copyFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCa,
  daysFromNow,
  type TestCa,
  type TestCertificate,
} from "../helpers/certificates.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  COLLECTOR_CLI,
  type CollectorProcess,
  type Program,
  runCli,
  startCollectorProcess,
  startProgram,
  TWO_UNITS,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import { addUsers, PASSWORD } from "../helpers/web.js";

const openssl = peer("openssl");
const dir = tempDir();
let ca: TestCa;
let wrongCa: TestCa;
let server: TestCertificate;
let collector: CollectorProcess;
const agents: Program[] = [];

/** The fingerprint of the certificate the collector serves right now. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: ca.certPem }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

/** One HTTPS request trusting the test CA; no redirects followed. */
function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers, ca: ca.certPem },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function startAgent(name: string, token: string, extra: string): Program {
  const file = writeAgentConfig(dir.path, name, collector.url, token, `${extra}host: false\n`);
  const program = startProgram(AGENT_CLI, ["run", "--config", file]);
  agents.push(program);
  return program;
}

describe.skipIf(!openssl)("TLS", () => {
  beforeAll(async () => {
    ca = createCa(openssl as string, join(dir.path, "ca"));
    wrongCa = createCa(openssl as string, join(dir.path, "wrong-ca"), "some other CA");
    server = ca.issue({ notAfter: daysFromNow(90) });
    copyFileSync(server.certPath, join(dir.path, "server.pem"));
    copyFileSync(server.keyPath, join(dir.path, "server.key"));
    collector = await startCollectorProcess(
      dir.path,
      `tls: { cert: "./server.pem", key: "./server.key" }\n${TWO_UNITS}`,
    );
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));
    await collector?.program.stop();
    dir.remove();
  });

  it("serves HTTPS, and enroll offers wss:// with the certificate's fingerprint to pin", async () => {
    expect(collector.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await httpsRequest(`${collector.url}/healthz`)).text).toBe("ok\n");
    const enrolled = await runCli(COLLECTOR_CLI, [
      "enroll",
      "--config",
      collector.configFile,
      "--unit",
      "so-tttt",
      "--name",
      "shown",
    ]);
    expect(enrolled.stdout).toContain('collector: "wss://127.0.0.1:0/agent"');
    expect(enrolled.stdout).toContain(`# tlsPin: "${await servedFingerprint(collector.url)}"`);
  });

  it("agents connect with the right CA or pin, and refuse a wrong CA, a wrong pin or no CA", async () => {
    const fingerprint = await servedFingerprint(collector.url);
    // The CA's fingerprint in base64 (the other accepted spelling): pinning the CA, not the leaf.
    const caPin = createHash("sha256").update(new X509Certificate(ca.certPem).raw).digest("base64");
    const cases = [
      ["right-ca", `tlsCa: "${ca.certPath}"\n`],
      ["right-pin", `tlsCa: "${ca.certPath}"\ntlsPin: "${fingerprint}"\n`],
      ["ca-pin", `tlsCa: "${ca.certPath}"\ntlsPin: ["${"00".repeat(32)}", "${caPin}"]\n`],
      ["wrong-ca", `tlsCa: "${wrongCa.certPath}"\n`],
      ["wrong-pin", `tlsCa: "${ca.certPath}"\ntlsPin: "${"ab".repeat(32)}"\n`],
      ["no-ca", ""],
    ] as const;
    const tokens = await Promise.all(cases.map(([name]) => collector.enroll("so-tttt", name)));
    const programs = new Map<string, Program>();
    cases.forEach(([name, extra], i) => {
      programs.set(name, startAgent(name, tokens[i] as string, extra));
    });
    for (const name of ["right-ca", "right-pin", "ca-pin"]) {
      await collector.program.waitForLog((l) => l.msg === "agent said hello" && l.agent === name);
    }
    const refusal = async (name: string) =>
      String(
        (await programs.get(name)?.waitForLog((l) => l.level === "error" && l.url !== undefined))
          ?.msg,
      );
    expect(await refusal("wrong-ca")).toBe(
      `the collector's certificate is not signed by the CA in tlsCa (${wrongCa.certPath}): ask the data center for the CA that signed it and name that PEM file in tlsCa:`,
    );
    expect(await refusal("no-ca")).toBe(
      "the collector's certificate is not signed by a CA this machine trusts: get the data center's CA certificate (a PEM file) and name it in tlsCa:",
    );
    expect(await refusal("wrong-pin")).toMatch(
      /^the collector's certificate is not the pinned one \(it has sha256 [0-9A-F:]{95}\): if the data center replaced it, put the new fingerprint in tlsPin:$/,
    );
    for (const name of ["wrong-ca", "no-ca", "wrong-pin"]) {
      expect(collector.program.output()).not.toMatch(new RegExp(`"agent":"${name}"`));
    }
    await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  });

  it("reloads its certificate on SIGHUP and keeps the old one when the new files are bad", async () => {
    const before = await servedFingerprint(collector.url);
    const renewed = ca.issue({ notAfter: daysFromNow(180) });
    copyFileSync(renewed.certPath, join(dir.path, "server.pem"));
    copyFileSync(renewed.keyPath, join(dir.path, "server.key"));
    process.kill(collector.program.child.pid as number, "SIGHUP");
    await collector.program.waitForLog((l) => l.msg === "TLS certificate reloaded");
    const after = await servedFingerprint(collector.url);
    expect(after).not.toBe(before);

    writeFileSync(join(dir.path, "server.key"), "not a key\n");
    process.kill(collector.program.child.pid as number, "SIGHUP");
    const line = await collector.program.waitForLog((l) =>
      String(l.msg).startsWith("TLS certificate not reloaded"),
    );
    expect(String(line.err)).toMatch(/tls\.key: not the private key of tls\.cert/);
    expect(await servedFingerprint(collector.url)).toBe(after);
  });

  it("marks cookies Secure and __Host- over HTTPS", async () => {
    await addUsers(join(dir.path, "collector.db"), [{ name: "tls-city", role: "city" }]);
    const form = await httpsRequest(`${collector.url}/login`);
    const csrfCookie = String(form.headers["set-cookie"]).split(";")[0] ?? "";
    expect(csrfCookie).toMatch(/^__Host-giamsat_csrf=/);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? "";
    const login = await httpsRequest(`${collector.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: csrfCookie },
      body: new URLSearchParams({ _csrf: token, name: "tls-city", password: PASSWORD }).toString(),
    });
    expect(login.status).toBe(303);
    expect(login.headers["set-cookie"]).toEqual([
      expect.stringMatching(
        /^__Host-giamsat_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=43200$/,
      ),
      expect.stringMatching(
        /^__Host-giamsat_device=\d+\.[0-9a-z]+\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=7776000$/,
      ),
    ]);
  });

  it("tells browsers to come back over HTTPS only (Strict-Transport-Security), on every answer", async () => {
    for (const path of ["/login", "/", "/healthz", "/metrics", "/no-such-page"]) {
      const answer = await httpsRequest(`${collector.url}${path}`);
      expect(answer.headers["strict-transport-security"], path).toBe("max-age=31536000");
    }
  });

  it("refuses a missing certificate or a key that does not match, naming the field", async () => {
    const other = ca.issue({ notAfter: daysFromNow(10) });
    for (const [tls, message] of [
      [
        '{ cert: "./nope.pem", key: "./server.key" }',
        /tls\.cert: cannot read ".*nope\.pem" \(no such file\)/,
      ],
      [
        `{ cert: "./server.pem", key: "${other.keyPath}" }`,
        /tls\.key: not the private key of tls\.cert, or not a PEM key/,
      ],
    ] as const) {
      const file = join(dir.path, "bad-tls.yaml");
      writeFileSync(file, `listen: "127.0.0.1:0"\ndatabase: "./bad.db"\ntls: ${tls}\n`);
      const result = await runCli(COLLECTOR_CLI, ["serve", "--config", file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^${file}: ${message.source}`));
    }
  });
});
