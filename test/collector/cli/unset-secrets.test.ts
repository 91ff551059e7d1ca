// The collector's service takes its secrets from its environment (${SMTP_PASSWORD} in
// collector.yaml). An operator enrolling an agent from a shell does not have them, and enrolling
// needs none: commands that only change the database (enroll, revoke, user, ...) run without the
// secrets of notifications, remote_write and checks, while `serve` still refuses to start without
// them, naming the variable. A variable the command needs (the database's path) is still required.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COLLECTOR_CLI, runCli, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const CONFIG = `listen: "127.0.0.1:0"
database: "./collector.db"
units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    checks:
      - { name: switch, category: equipment, kind: snmp, host: "10.20.1.2", community: "\${GS_SWITCH_COMMUNITY}" }
notifications:
  channels:
    - name: mail
      type: email
      smtp: { host: "127.0.0.1", username: giamsat, password: "\${GS_SMTP_PASSWORD}" }
      from: "giamsat <giamsat@example.gov.vn>"
  routes:
    - { channels: [mail] }
remoteWrite:
  - { name: province, url: "https://vm.example.gov.vn/api/v1/write", bearerToken: "\${GS_REMOTE_TOKEN}" }
`;

/** The environment without the secrets (nor any GS_ variable). */
const withoutSecrets = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("GS_")),
);

describe("a collector.yaml whose secrets come from the environment", () => {
  it("enrolls and revokes agents without them", async () => {
    const file = join(dir.path, "collector.yaml");
    writeFileSync(file, CONFIG);
    const args = ["--config", file, "--unit", "so-tttt", "--name", "pc-01"];
    const enrolled = await runCli(COLLECTOR_CLI, ["enroll", ...args], { env: withoutSecrets });
    expect(enrolled.stderr).toContain('Enrolled agent "pc-01" in unit "so-tttt"');
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toMatch(/token: "gsat_/);
    const revoked = await runCli(COLLECTOR_CLI, ["revoke", ...args], { env: withoutSecrets });
    expect(revoked.code).toBe(0);
  });

  it("does not serve without them, naming the first missing", async () => {
    const file = join(dir.path, "collector.yaml");
    writeFileSync(file, CONFIG);
    const served = await runCli(COLLECTOR_CLI, ["serve", "--config", file], {
      env: withoutSecrets,
    });
    expect(served.code).toBe(2);
    expect(served.stderr).toBe(
      `${file}: units[0].checks[0].community: environment variable GS_SWITCH_COMMUNITY is not set\n`,
    );
  });

  it("still needs a variable the command uses", async () => {
    const file = join(dir.path, "elsewhere.yaml");
    writeFileSync(file, CONFIG.replace('"./collector.db"', `"\${GS_DATA}/collector.db"`));
    const enrolled = await runCli(
      COLLECTOR_CLI,
      ["enroll", "--config", file, "--unit", "so-tttt", "--name", "pc-01"],
      { env: withoutSecrets },
    );
    expect(enrolled.code).toBe(2);
    expect(enrolled.stderr).toBe(`${file}: database: environment variable GS_DATA is not set\n`);
  });
});
