// The collector's certificate and key: a key that is not the certificate's, of the same type or of
// another one (an RSA key beside an EC certificate), is a config error before anything is served.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTls } from "../../../collector/http/tls.js";
import { createCa, daysFromNow, type TestCertificate } from "../../helpers/certificates.js";
import { peer } from "../../helpers/peers.js";
import { COLLECTOR_CLI, startProgram, TWO_UNITS, tempDir } from "../../helpers/processes.js";

const openssl = peer("openssl");
const dir = tempDir("giamsat-collector-tls-");
let server: TestCertificate;
let other: TestCertificate;
let rsaKey: string;

describe.skipIf(!openssl)("the collector's TLS files", () => {
  beforeAll(() => {
    const ca = createCa(openssl as string, join(dir.path, "ca"));
    server = ca.issue({ notAfter: daysFromNow(90) });
    other = ca.issue({ notAfter: daysFromNow(90) });
    rsaKey = join(dir.path, "rsa.key");
    execFileSync(openssl as string, ["genpkey", "-algorithm", "RSA", "-out", rsaKey], {
      stdio: "ignore",
    });
  });
  afterAll(() => dir.remove());

  it("accept a certificate with its own key", () => {
    expect(loadTls({ cert: server.certPath, key: server.keyPath }).cert.length).toBeGreaterThan(0);
  });

  it.each([
    ["an EC key of another certificate", () => other.keyPath],
    ["an RSA key beside an EC certificate", () => rsaKey],
  ])("refuse %s, naming tls.key", (_what, key) => {
    expect(() => loadTls({ cert: server.certPath, key: key() }, "collector.yaml")).toThrow(
      /^collector\.yaml: tls\.key: not the private key of tls\.cert/,
    );
  });

  it("serve exits 2 with an RSA key beside an EC certificate, before serving", async () => {
    const config = join(dir.path, "collector.yaml");
    writeFileSync(
      config,
      `listen: "127.0.0.1:0"\ndatabase: "./collector.db"\ntls: { cert: "${server.certPath}", key: "${rsaKey}" }\n${TWO_UNITS}`,
    );
    const serve = startProgram(COLLECTOR_CLI, ["serve", "--config", config]);
    // Before the fix it served (and every handshake failed): stop it rather than wait forever.
    const outcome = await Promise.race([
      serve.exited,
      serve.waitForLog((line) => line.msg === "listening").then(() => "served"),
    ]).finally(() => serve.stop());
    expect(outcome).toBe(2);
    expect(serve.output()).toContain(
      `${config}: tls.key: not the private key of tls.cert (the key is RSA, the certificate's is EC)`,
    );
    expect(serve.output()).not.toContain("serving HTTPS");
  });
});
