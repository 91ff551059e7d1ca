// collector.yaml's remoteWrite section: defaults, and every refusal naming the file and field.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCollectorConfig } from "../../../collector/config.js";
import { COLLECTOR_CLI, runCli, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

function write(name: string, remoteWrite: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, `listen: "127.0.0.1:0"\ndatabase: "./rw.db"\nremoteWrite:\n${remoteWrite}`);
  return file;
}

function refusal(remoteWrite: string): string {
  const file = write("bad.yaml", remoteWrite);
  try {
    loadCollectorConfig(file, { TOKEN: "t" });
  } catch (error) {
    return (error as Error).message.replace(`${file}: `, "");
  }
  throw new Error("the config was accepted");
}

describe("remoteWrite config", () => {
  it("fills in the defaults and takes tls.ca from the config's folder", () => {
    writeFileSync(join(dir.path, "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    const file = write(
      "good.yaml",
      `  - name: vm
    url: "http://127.0.0.1:8428/api/v1/write"
  - name: mimir
    url: "https://mimir.example:8080/api/v1/push"
    bearerToken: "\${TOKEN}"
    headers: { X-Scope-OrgID: danang }
    tls: { ca: ca.pem }
    externalLabels: { city: danang }
    queue: { maxSamples: 50000, flushInterval: 200ms }
`,
    );
    const config = loadCollectorConfig(file, { TOKEN: "secret-token" });
    expect(config.remoteWrite[0]).toEqual({
      name: "vm",
      url: "http://127.0.0.1:8428/api/v1/write",
      headers: {},
      externalLabels: {},
      timeout: 30_000,
      queue: {
        maxSamples: 10_000_000,
        batchSamples: 2000,
        flushInterval: 1000,
        minBackoff: 100,
        maxBackoff: 5000,
      },
    });
    expect(config.remoteWrite[1]).toMatchObject({
      bearerToken: "secret-token",
      headers: { "X-Scope-OrgID": "danang" },
      tls: { ca: join(dir.path, "ca.pem"), insecureSkipVerify: false },
      externalLabels: { city: "danang" },
      queue: { maxSamples: 50_000, flushInterval: 200 },
    });
  });

  it.each([
    [
      '  - { name: vm, url: "victoria/api/v1/write" }\n',
      'remoteWrite[0].url: invalid URL "victoria/api/v1/write" (write e.g. http://victoria:8428/api/v1/write)',
    ],
    [
      '  - { name: vm, url: "victoria:8428/api/v1/write" }\n',
      "remoteWrite[0].url: must be an http:// or https:// URL (write e.g. http://victoria:8428/api/v1/write)",
    ],
    [
      '  - { name: vm, url: "http://u:p@vm/write" }\n',
      "remoteWrite[0].url: put credentials in basicAuth, not in the URL (the URL is logged)",
    ],
    [
      '  - { name: "a b", url: "http://vm/write" }\n',
      "remoteWrite[0].name: must be 1-64 letters, digits, '_', '.' or '-', starting alphanumeric",
    ],
    [
      '  - { name: vm, url: "http://vm/write" }\n  - { name: vm, url: "http://vm2/write" }\n',
      'remoteWrite[1].name: duplicate endpoint name "vm"',
    ],
    [
      '  - { name: vm, url: "http://vm/write", bearerToken: x, basicAuth: { username: u, password: p } }\n',
      "remoteWrite[0].bearerToken: use either basicAuth or bearerToken, not both",
    ],
    [
      '  - { name: vm, url: "http://vm/write", basicAuth: { username: u, password: 20261127 } }\n',
      "remoteWrite[0].basicAuth.password: must be a non-empty string (quote it in YAML); the value is not shown",
    ],
    [
      '  - { name: vm, url: "http://vm/write", headers: { Authorization: "Bearer x" } }\n',
      "remoteWrite[0].headers.Authorization: set credentials with basicAuth or bearerToken, not as a header",
    ],
    [
      '  - { name: vm, url: "http://vm/write", headers: { Content-Encoding: gzip } }\n',
      'remoteWrite[0].headers.Content-Encoding: "Content-Encoding" is set by the sender',
    ],
    [
      '  - { name: vm, url: "http://vm/write", externalLabels: { __tenant: x } }\n',
      'remoteWrite[0].externalLabels.__tenant: invalid label name "__tenant" ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)',
    ],
    [
      '  - { name: vm, url: "http://vm/write", externalLabels: { unit: x } }\n',
      'remoteWrite[0].externalLabels.unit: "unit" is on every series already, and series labels win over external labels',
    ],
    [
      '  - { name: vm, url: "http://vm/write", tls: { insecureSkipVerify: true } }\n',
      "remoteWrite[0].tls: applies to https:// URLs only",
    ],
    [
      '  - { name: vm, url: "https://vm/write", tls: { ca: missing.pem } }\n',
      `remoteWrite[0].tls.ca: cannot read ${join(dir.path, "missing.pem")} (no such file)`,
    ],
    [
      '  - { name: vm, url: "http://vm/write", queue: { maxSamples: 10, batchSamples: 5 } }\n',
      "remoteWrite[0].queue.maxSamples: Too small: expected number to be >=1000",
    ],
    [
      '  - { name: vm, url: "http://vm/write", queue: { maxSamples: 5000, batchSamples: 10000 } }\n',
      "remoteWrite[0].queue.batchSamples: must not be more than queue.maxSamples",
    ],
    [
      '  - { name: vm, url: "http://vm/write", queue: { minBackoff: 10s, maxBackoff: 1s } }\n',
      "remoteWrite[0].queue.minBackoff: must not be longer than queue.maxBackoff",
    ],
    [
      '  - { name: vm, url: "http://vm/write", queue: { flushInterval: soon } }\n',
      'remoteWrite[0].queue.flushInterval: invalid duration "soon" (durations are written like 500ms, 30s, 5m, 1m30s, 24h)',
    ],
    [
      '  - { name: vm, url: "http://vm/write", sharding: 4 }\n',
      'remoteWrite[0]: unknown key "sharding"',
    ],
  ])("refuses %j naming the field", (remoteWrite, message) => {
    expect(refusal(remoteWrite)).toBe(message);
  });

  it("makes serve exit 2 with the message on a bad endpoint", async () => {
    const file = write("cli.yaml", '  - { name: vm, url: "ftp://vm/write" }\n');
    const result = await runCli(COLLECTOR_CLI, ["serve", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}: remoteWrite[0].url: must be an http:// or https:// URL (write e.g. http://victoria:8428/api/v1/write)\n`,
    );
  });
});
