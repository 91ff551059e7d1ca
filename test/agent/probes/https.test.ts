// The http probe over TLS: certificates from a private CA and self-signed ones, expired or about
// to expire, against real HTTPS servers on loopback. Certificates are made with the openssl CLI.
import { once } from "node:events";
import { copyFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRICS } from "../../../shared/metrics.js";
import {
  createCa,
  daysFromNow,
  selfSigned,
  type TestCa,
  type TestCertificate,
} from "../../helpers/certificates.js";
import { runCheck, sampleValue } from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";

const openssl = peer("openssl");
const dir = tempDir();
const servers: Server[] = [];
let requests = 0;
let ca: TestCa;

/** An HTTPS server on 127.0.0.1 with this certificate; returns its base URL. */
async function serve(cert: TestCertificate): Promise<string> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("Cổng thông tin");
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const seconds = (date: Date) => date.getTime() / 1000;
const check = (fields: string) => `{ name: portal, category: website, kind: http, ${fields} }`;

beforeAll(() => {
  if (!openssl) return;
  ca = createCa(openssl, join(dir.path, "pki"));
  // A relative `ca:` is taken from the folder of agent.yaml.
  copyFileSync(ca.certPath, join(dir.path, "ca.pem"));
});

afterAll(() => {
  for (const server of servers) server.close();
  dir.remove();
});

describe.skipIf(!openssl)("http probe over TLS", () => {
  it("is up with a certificate from a trusted private CA, reporting its exact notAfter", async () => {
    const cert = ca.issue({ notAfter: daysFromNow(5) });
    const url = await serve(cert);
    const out = await runCheck(dir.path, check(`url: "${url}/", contains: "Cổng", ca: ca.pem`));
    expect(out.result).toMatchObject({ up: true });
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    expect(sampleValue(out, METRICS.httpStatus.name)).toBe(200);
    expect(out.outcome.summary).toMatchObject({
      issuer: "giamsat test CA",
      expires: `${cert.notAfter.toISOString().slice(0, 19).replace("T", " ")}Z (in 5.0 d)`,
    });
  });

  it("is down with reason tls when the CA is not trusted, still reporting the expiry", async () => {
    const cert = ca.issue({ notAfter: daysFromNow(30) });
    const url = await serve(cert);
    const before = requests;
    const out = await runCheck(dir.path, check(`url: "${url}/"`));
    expect(out.result).toMatchObject({ up: false, reason: "tls" });
    expect(out.result.message).toMatch(
      /^unable to verify the first certificate \(subject localhost, issuer giamsat test CA, names localhost 127\.0\.0\.1, valid [0-9-]+ [0-9:]+Z to [0-9-]+ [0-9:]+Z\)$/,
    );
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    expect(sampleValue(out, METRICS.httpStatus.name)).toBeUndefined();
    // The request (and any header in it) never went to a server whose certificate was refused.
    expect(requests).toBe(before);
    const skipped = await runCheck(dir.path, check(`url: "${url}/", insecureSkipVerify: true`));
    expect(skipped.result.up).toBe(true);
  });

  it("is down when a trusted certificate has expired", async () => {
    const cert = ca.issue({
      notBefore: new Date("2025-01-01T00:00:00Z"),
      notAfter: new Date("2025-04-01T12:30:45Z"),
    });
    const url = await serve(cert);
    const out = await runCheck(dir.path, check(`url: "${url}/", ca: ca.pem`));
    expect(out.result).toMatchObject({ up: false, reason: "tls" });
    expect(out.result.message).toMatch(/^certificate has expired \(/);
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(1_743_510_645);
    // Skipping verification does not hide an expired certificate.
    const skipped = await runCheck(dir.path, check(`url: "${url}/", insecureSkipVerify: true`));
    expect(skipped.result).toMatchObject({ up: false, reason: "tls" });
    expect(skipped.result.message).toMatch(/^certificate has expired \(/);
  });

  it("reports a self-signed certificate that has expired, with its exact notAfter", async () => {
    const cert = selfSigned(openssl ?? "", join(dir.path, "pki"), {
      notBefore: new Date("2024-01-01T00:00:00Z"),
      notAfter: new Date("2024-02-01T08:00:00Z"),
    });
    const url = await serve(cert);
    const out = await runCheck(dir.path, check(`url: "${url}/"`));
    expect(out.result).toMatchObject({ up: false, reason: "tls" });
    expect(out.result.message).toMatch(
      /^certificate has expired \(subject localhost, issuer localhost,/,
    );
    expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
  });

  it("reports a self-signed certificate expiring in 5 days; up when verification is skipped", async () => {
    const cert = selfSigned(openssl ?? "", join(dir.path, "pki"), { notAfter: daysFromNow(5) });
    const url = await serve(cert);
    const strict = await runCheck(dir.path, check(`url: "${url}/"`));
    expect(strict.result).toMatchObject({ up: false, reason: "tls" });
    expect(strict.result.message).toMatch(/^self-signed certificate \(/);
    expect(sampleValue(strict, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    const skipped = await runCheck(dir.path, check(`url: "${url}/", insecureSkipVerify: true`));
    expect(skipped.result.up).toBe(true);
    expect(sampleValue(skipped, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    expect(skipped.outcome.summary?.expires).toMatch(/ \(in 5\.0 d\)$/);
  });

  it("is down when the certificate is for another name", async () => {
    const cert = ca.issue({
      commonName: "portal.example",
      altNames: ["DNS:portal.example"],
      notAfter: daysFromNow(30),
    });
    const url = await serve(cert);
    const out = await runCheck(dir.path, check(`url: "${url}/", ca: ca.pem`));
    expect(out.result).toMatchObject({ up: false, reason: "tls" });
    expect(out.result.message).toMatch(
      /^certificate does not match the host name \(subject portal\.example,/,
    );
  });

  it("follows a redirect from http to https and reports the final certificate", async () => {
    const cert = ca.issue({ notAfter: daysFromNow(20) });
    const target = await serve(cert);
    const plain = createHttpServer((_req, res) =>
      res.writeHead(301, { location: `${target}/` }).end(),
    );
    plain.listen(0, "127.0.0.1");
    await once(plain, "listening");
    try {
      const port = (plain.address() as AddressInfo).port;
      const out = await runCheck(dir.path, check(`url: "http://127.0.0.1:${port}/", ca: ca.pem`));
      expect(out.result.up).toBe(true);
      expect(sampleValue(out, METRICS.httpRedirects.name)).toBe(1);
      expect(sampleValue(out, METRICS.tlsExpiry.name)).toBe(seconds(cert.notAfter));
    } finally {
      plain.close();
    }
  });
});
