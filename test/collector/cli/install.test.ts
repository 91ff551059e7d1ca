// `giamsat-collector install` and `uninstall` into a system in a folder (--root): a starting
// collector.yaml or the operator's own (its database moved to the state folder, its TLS files
// copied beside it), a unit systemd accepts and rates at most 4.0, and the city's records kept on
// uninstall unless --purge.
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../../collector/config.js";
import { createCa, daysFromNow } from "../../helpers/certificates.js";
import { documentedExposure } from "../../helpers/exposure-docs.js";
import { peer } from "../../helpers/peers.js";
import { COLLECTOR_CLI, ROOT, runCli, tempDir } from "../../helpers/processes.js";
import { exposure, userDatabaseRoot, verify } from "../../helpers/system-root.js";

const analyze = peer("systemd-analyze");
const openssl = peer("openssl");
const UNIT = "etc/systemd/system/giamsat-collector.service";

describe.skipIf(!analyze || !openssl)("giamsat-collector install --root", () => {
  it("writes a starting collector.yaml, a hardened unit, and keeps config and database on uninstall", async () => {
    const root = userDatabaseRoot();
    try {
      const install = await runCli(COLLECTOR_CLI, ["install", "--root", root.path]);
      expect(install.code, install.stderr).toBe(0);
      expect(install.stderr).toContain("wrote a starting /etc/giamsat/collector.yaml");
      const config = join(root.path, "etc/giamsat/collector.yaml");
      expect(statSync(config).mode & 0o777).toBe(0o600);
      expect(loadCollectorConfig(config).database).toBe("/var/lib/giamsat-collector/collector.db");
      const unit = readFileSync(join(root.path, UNIT), "utf8");
      expect(unit).toContain(
        `ExecStart=${process.execPath} ${join(ROOT, "dist/collector/cli/main.js")} serve --config /etc/giamsat/collector.yaml`,
      );
      expect(unit).toContain("CapabilityBoundingSet=\n");
      expect(unit).toContain("User=giamsat-collector");
      expect(verify(join(root.path, UNIT))).toEqual({ status: 0, said: "" });
      const rated = exposure(root.path, "giamsat-collector.service");
      expect(rated.level, rated.text).toBeLessThanOrEqual(4.0);
      // The operators' install guide gives the figure systemd-analyze gives now.
      expect(documentedExposure("giamsat-collector.service")).toBe(rated.level);

      const uninstall = await runCli(COLLECTOR_CLI, ["uninstall", "--root", root.path]);
      expect(uninstall.code).toBe(0);
      expect(existsSync(join(root.path, UNIT))).toBe(false);
      expect(existsSync(config)).toBe(true);
      expect(existsSync(join(root.path, "var/lib/giamsat-collector"))).toBe(true);
      const purge = await runCli(COLLECTOR_CLI, ["uninstall", "--purge", "--root", root.path]);
      expect(purge.code).toBe(0);
      expect(existsSync(config)).toBe(false);
      expect(existsSync(join(root.path, "var/lib/giamsat-collector"))).toBe(false);
    } finally {
      root.remove();
    }
  });

  it("installs the operator's collector.yaml with its database and TLS files where the service can use them", async () => {
    const root = userDatabaseRoot();
    const work = tempDir();
    try {
      const ca = createCa(openssl as string, work.path);
      const cert = ca.issue({
        commonName: "giamsat.example.gov.vn",
        notBefore: daysFromNow(-1),
        notAfter: daysFromNow(365),
      });
      writeFileSync(
        join(work.path, "collector.yaml"),
        `listen: "0.0.0.0:8443"\ndatabase: "./data/collector.db"\ntls: { cert: "${cert.certPath}", key: "${cert.keyPath}" }\nunits:\n  - { id: so-tttt, name: "Sở TT&TT" }\n`,
      );
      const install = await runCli(COLLECTOR_CLI, [
        "install",
        "--config",
        join(work.path, "collector.yaml"),
        "--root",
        root.path,
      ]);
      expect(install.code, install.stderr).toBe(0);
      const written = readFileSync(join(root.path, "etc/giamsat/collector.yaml"), "utf8");
      expect(written).toContain('database: "/var/lib/giamsat-collector/collector.db"');
      expect(written).toContain('cert: "/etc/giamsat/collector-cert.pem"');
      expect(written).toContain("so-tttt");
      const key = join(root.path, "etc/giamsat/collector-key.pem");
      expect(readFileSync(key, "utf8")).toBe(cert.keyPem);
      expect(statSync(key).mode & 0o777).toBe(0o600);
    } finally {
      root.remove();
      work.remove();
    }
  });
});
