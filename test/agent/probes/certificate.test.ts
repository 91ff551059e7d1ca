// Pure certificate reading on fixed certificates (test/fixtures/certificates, made once with openssl).
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  certificateLine,
  describeCertificate,
  judgeCertificate,
  parseAltNames,
  parseCertificateTime,
  peerChain,
  shortName,
} from "../../../agent/probes/certificate.js";
import { ROOT } from "../../helpers/processes.js";

const fixture = (name: string) =>
  readFileSync(join(ROOT, "test/fixtures/certificates", name), "utf8");
const leafPem = fixture("portal.example.gov.vn.pem");
const rootPem = fixture("example-root-ca.pem");

describe("certificate reading", () => {
  it("describes a certificate: names, exact dates, serial, fingerprint", () => {
    expect(describeCertificate(new X509Certificate(leafPem))).toEqual({
      subject: "portal.example.gov.vn",
      issuer: "Example Root CA",
      altNames: ["portal.example.gov.vn", "www.example.gov.vn", "192.0.2.10"],
      notBefore: Date.UTC(2025, 2, 1, 8, 30) / 1000,
      notAfter: Date.UTC(2026, 2, 1, 8, 30) / 1000,
      serialNumber: "1001",
      fingerprint256:
        "48:88:96:E6:8F:AE:60:B4:00:57:A0:91:F3:CE:F1:5D:09:90:76:5F:B6:4A:A3:15:C9:4B:42:9F:63:7B:C9:38",
    });
  });

  it("reads Vietnamese names and prefers the CN", () => {
    const root = new X509Certificate(rootPem);
    expect(root.subject).toBe("CN=Example Root CA\nO=Sở Thông tin và Truyền thông");
    expect(shortName(root.subject)).toBe("Example Root CA");
    expect(shortName("O=Sở Thông tin và Truyền thông\nC=VN")).toBe("Sở Thông tin và Truyền thông");
    expect(shortName('CN="Công ty A, B"')).toBe("Công ty A, B");
    expect(shortName("C=VN\nL=Đà Nẵng")).toBe("C=VN, L=Đà Nẵng");
  });

  it("parses OpenSSL's time format exactly", () => {
    expect(parseCertificateTime("Mar  1 08:30:00 2026 GMT")).toBe(1_772_353_800);
    expect(parseCertificateTime("Dec 31 23:59:59 2049 GMT")).toBe(2_524_607_999);
    expect(parseCertificateTime("2026-03-01T08:30:00Z")).toBeUndefined();
    expect(parseCertificateTime("Foo  1 08:30:00 2026 GMT")).toBeUndefined();
  });

  it("parses subjectAltName text, quoted entries too", () => {
    expect(parseAltNames("DNS:a.example, IP Address:::1, email:x@example, DNS:b.example")).toEqual([
      "a.example",
      "::1",
      "b.example",
    ]);
    expect(parseAltNames('DNS:"a,b.example"')).toEqual(["a,b.example"]);
    expect(parseAltNames(undefined)).toEqual([]);
  });

  it("walks the peer chain leaf first and stops at a self-signed root", () => {
    const root: { raw: Buffer; issuerCertificate?: unknown } = {
      raw: new X509Certificate(rootPem).raw,
    };
    root.issuerCertificate = root;
    const leaf = { raw: new X509Certificate(leafPem).raw, issuerCertificate: root };
    expect(peerChain(leaf as never).map((c) => shortName(c.subject))).toEqual([
      "portal.example.gov.vn",
      "Example Root CA",
    ]);
    expect(peerChain(undefined)).toEqual([]);
    expect(peerChain({})).toEqual([]);
  });

  it("puts the details people check on one line", () => {
    const info = describeCertificate(new X509Certificate(leafPem));
    expect(certificateLine(info)).toBe(
      "subject portal.example.gov.vn, issuer Example Root CA, names portal.example.gov.vn " +
        "www.example.gov.vn 192.0.2.10, valid 2025-03-01 08:30:00Z to 2026-03-01 08:30:00Z",
    );
  });
});

describe("certificate verdict", () => {
  const leaf = describeCertificate(new X509Certificate(leafPem));
  const during = Date.UTC(2025, 5, 1) / 1000;
  const after = leaf.notAfter + 1;
  const before = leaf.notBefore - 1;
  const judge = (authorizationError: string | undefined, insecure: boolean, now: number) =>
    judgeCertificate({ leaf, authorizationError, insecureSkipVerify: insecure, now });

  it.each([
    [undefined, false, during, { ok: true }],
    [undefined, false, leaf.notAfter, { ok: true }],
    [undefined, false, after, { ok: false, problem: "certificate has expired" }],
    [undefined, false, before, { ok: false, problem: "certificate is not yet valid" }],
    ["CERT_HAS_EXPIRED", false, after, { ok: false, problem: "certificate has expired" }],
    [
      "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      false,
      after,
      { ok: false, problem: "unable to get local issuer certificate; certificate has expired" },
    ],
    [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      false,
      during,
      { ok: false, problem: "certificate does not match the host name" },
    ],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", true, during, { ok: true }],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", true, after, { ok: false, problem: "certificate has expired" }],
    ["SOME_NEW_CODE", false, during, { ok: false, problem: "SOME_NEW_CODE" }],
  ])("%s (insecure %s) at %d", (error, insecure, now, verdict) => {
    expect(judge(error, insecure, now)).toEqual(verdict);
  });

  it("refuses a missing certificate", () => {
    expect(
      judgeCertificate({
        leaf: undefined,
        authorizationError: undefined,
        insecureSkipVerify: true,
        now: during,
      }),
    ).toEqual({ ok: false, problem: "the server sent no certificate" });
  });
});
