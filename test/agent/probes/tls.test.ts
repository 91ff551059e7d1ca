// The tls probe against real TLS servers on loopback with certificates made by the openssl CLI.
import { once } from "node:events";
import { copyFileSync } from "node:fs";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS } from "../../../shared/metrics.js";
import {
  createCa,
  daysFromNow,
  selfSigned,
  type TestCa,
  type TestCertificate,
} from "../../helpers/certificates.js";
import {
  closedWithin,
  configError,
  expectEndedAtTimeout,
  runCheck,
  sampleValue,
} from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";

const openssl = peer("openssl");
const dir = tempDir();
const servers: Server[] = [];
let ca: TestCa;

/** A TLS server on 127.0.0.1 that greets like a mail server; returns its port. */
async function serve(cert: TestCertificate): Promise<number> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (socket) =>
    socket.end("* OK IMAP ready\r\n"),
  );
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

const seconds = (date: Date) => date.getTime() / 1000;
const check = (fields: string) =>
  `{ name: mail, category: shared_software, kind: tls, host: 127.0.0.1, ${fields} }`;

beforeAll(() => {
  if (!openssl) return;
  ca = createCa(openssl, join(dir.path, "pki"));
  copyFileSync(ca.certPath, join(dir.path, "ca.pem"));
});

afterAll(() => {
  for (const server of servers) server.close();
  dir.remove();
});

describe.skipIf(!openssl)("tls probe", () => {
  it("is up with a trusted certificate and reports its details, and inventory when due", async () => {
    const cert = ca.issue({ notAfter: daysFromNow(5) });
    const port = await serve(cert);
    const out = await runCheck(dir.path, check(`port: ${port}, ca: ca.pem`));
    expect(out.result).toMatchObject({ up: true, kind: "tls" });
    expect(out.samples.map((s) => s.metric)).toEqual([METRICS.tlsExpiry.name]);
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    const stamp = (date: Date) => `${date.toISOString().slice(0, 19).replace("T", " ")}Z`;
    expect(out.outcome.summary).toEqual({
      expires: `${stamp(cert.notAfter)} (in 5.0 d)`,
      subject: "localhost",
      issuer: "giamsat test CA",
    });
    // Node completes the chain with the trusted CA: leaf and root.
    expect(out.result.message).toMatch(
      new RegExp(
        `^subject localhost, issuer giamsat test CA, names localhost 127\\.0\\.0\\.1, valid ${stamp(cert.notBefore)} to ${stamp(cert.notAfter)}, chain of 2, sha256 [0-9A-F:]{95}$`,
      ),
    );
    const inventory = out.inventory[0]?.data as { chain: { subject: string; notAfter: string }[] };
    const chain = inventory.chain;
    expect(chain.map((c) => c.subject)).toEqual(["localhost", "giamsat test CA"]);
    expect(chain[0]?.notAfter).toBe(stamp(cert.notAfter));
    expect(out.inventory[0]?.data).toMatchObject({ protocol: "TLSv1.3", authorized: true });
  });

  it("is down with reason tls for an expired certificate and still reports the expiry", async () => {
    const cert = ca.issue({
      notBefore: new Date("2024-03-01T00:00:00Z"),
      notAfter: new Date("2024-06-01T00:00:00Z"),
    });
    const port = await serve(cert);
    const trusted = await runCheck(dir.path, check(`port: ${port}, ca: ca.pem`));
    expect(trusted.result).toMatchObject({ up: false, reason: "tls" });
    expect(trusted.result.message).toMatch(/^certificate has expired \(subject localhost,/);
    expect(sampleValue(trusted, METRICS.tlsExpiry.name)).toBe(1_717_200_000);
    expect(trusted.outcome.summary?.expires).toMatch(/^2024-06-01 00:00:00Z \(\d+\.\d d ago\)$/);
    // Untrusted and expired: OpenSSL names the expiry first.
    const untrusted = await runCheck(dir.path, check(`port: ${port}`));
    expect(untrusted.result.message).toMatch(/^certificate has expired \(/);
  });

  it("reads an untrusted self-signed certificate; insecureSkipVerify makes it up", async () => {
    const cert = selfSigned(openssl ?? "", join(dir.path, "pki"), {
      commonName: "mail.example.gov.vn",
      altNames: ["DNS:mail.example.gov.vn"],
      notAfter: daysFromNow(5),
    });
    const port = await serve(cert);
    const strict = await runCheck(dir.path, check(`port: ${port}`));
    expect(strict.result).toMatchObject({ up: false, reason: "tls" });
    expect(strict.result.message).toMatch(
      /^self-signed certificate \(subject mail\.example\.gov\.vn,/,
    );
    expect(sampleValue(strict, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    const skipped = await runCheck(dir.path, check(`port: ${port}, insecureSkipVerify: true`));
    expect(skipped.result.up).toBe(true);
    expect(sampleValue(skipped, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
  });

  it("checks the certificate against serverName", async () => {
    const cert = ca.issue({
      commonName: "mail.example.gov.vn",
      altNames: ["DNS:mail.example.gov.vn"],
      notAfter: daysFromNow(60),
    });
    const port = await serve(cert);
    const right = await runCheck(
      dir.path,
      check(`port: ${port}, ca: ca.pem, serverName: mail.example.gov.vn`),
    );
    expect(right.result.up).toBe(true);
    const wrong = await runCheck(
      dir.path,
      check(`port: ${port}, ca: ca.pem, serverName: portal.example.gov.vn`),
    );
    expect(wrong.result).toMatchObject({ up: false, reason: "tls" });
    expect(wrong.result.message).toMatch(/^certificate does not match the host name \(/);
  });

  it("is down with reason refused on a closed port", async () => {
    const closed = createTcpServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, "close");
    const out = await runCheck(dir.path, check(`port: ${port}`));
    expect(out.result).toMatchObject({ up: false, reason: "refused" });
    expect(out.samples).toEqual([]);
  });

  it("times out when the server never does the handshake, and closes the connection", async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((socket) => sockets.push(socket.resume()));
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const { port } = silent.address() as AddressInfo;
    try {
      const out = await runCheck(dir.path, check(`port: ${port}, timeout: "300ms"`));
      expectEndedAtTimeout(out, 300);
      await closedWithin(sockets[0]);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe("tls check config", () => {
  it.each([
    [
      "{ name: mail, category: shared_software, kind: tls }",
      "agent.yaml: checks[0] (mail).host: is required",
    ],
    [check("port: 70000"), "agent.yaml: checks[0] (mail).port: must be a port number (1-65535)"],
    [
      check(`serverName: "bad name"`),
      'agent.yaml: checks[0] (mail).serverName: "bad name" is not a host name or IP address',
    ],
    [check("verify: false"), 'agent.yaml: checks[0] (mail): unknown key "verify"'],
    [
      check("ca: missing.pem"),
      'agent.yaml: checks[0] (mail).ca: cannot read "missing.pem" (no such file)',
    ],
  ])("refuses %s", (body, message) => {
    expect(configError(dir.path, [body])).toBe(message);
  });
});
