// E-mail over STARTTLS to a real SMTP server (aiosmtpd, STARTTLS required) whose certificate comes
// from a private CA: trusted through smtp.ca, refused without it, and a channel that will not
// encrypt is refused by the server; each told by notify test as the receiver answered.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCa, daysFromNow } from "../../helpers/certificates.js";
import { freePort } from "../../helpers/delivery.js";
import { SmtpServer, smtpPeer } from "../../helpers/mailbox.js";
import { peer } from "../../helpers/peers.js";
import { COLLECTOR_CLI, runCli, tempDir } from "../../helpers/processes.js";

const python = smtpPeer();
const openssl = peer("openssl");

describe.skipIf(!python || !openssl)("e-mail over STARTTLS with a private CA", () => {
  const dir = tempDir();
  let smtp: SmtpServer;
  let config = "";

  beforeAll(async () => {
    const ca = createCa(openssl as string, join(dir.path, "ca"));
    const server = ca.issue({ notAfter: daysFromNow(30) });
    writeFileSync(join(dir.path, "ca.pem"), ca.certPem);
    smtp = new SmtpServer(python as string, await freePort(), join(dir.path, "Maildir"), {
      cert: server.certPath,
      key: server.keyPath,
    });
    await smtp.start();
    const channel = (name: string, smtpFields: string) =>
      `    - { name: ${name}, type: email, smtp: { host: "127.0.0.1", port: ${smtp.port}, ${smtpFields} }, from: "giamsat <giamsat@example.gov.vn>", timeout: "5s" }`;
    config = join(dir.path, "collector.yaml");
    writeFileSync(
      config,
      `database: "./collector.db"
notifications:
  channels:
${channel("mail", 'security: starttls, ca: "./ca.pem"')}
${channel("no-ca", "security: starttls")}
${channel("plain", "security: none")}
units:
  - id: so-tttt
    name: "Sở Thông tin và Truyền thông"
    contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn" }
`,
    );
  });
  afterAll(async () => {
    await smtp?.stop();
    dir.remove();
  });

  const notify = (channel: string) =>
    runCli(COLLECTOR_CLI, [
      "notify",
      "test",
      "--config",
      config,
      "--channel",
      channel,
      "--unit",
      "so-tttt",
    ]);

  it("delivers when the private CA is trusted", async () => {
    const result = await notify("mail");
    expect(result.stdout).toMatch(/^mail binh@example\.gov\.vn: sent \(250 OK\)\n$/);
    expect(result.code).toBe(0);
    const [mail] = smtp.messages();
    expect(mail?.subject).toBe("[giamsat] Sở Thông tin và Truyền thông: tin nhắn thử");
  });

  it("refuses the server's certificate without the CA, and says so", async () => {
    const result = await notify("no-ca");
    expect(result.stdout).toMatch(
      /^no-ca binh@example\.gov\.vn: not sent: .*(self.signed|unable to verify|local issuer)/i,
    );
    expect(result.code).toBe(1);
  });

  it("is refused by a server that requires STARTTLS when it will not encrypt", async () => {
    const result = await notify("plain");
    expect(result.stdout).toMatch(/^plain binh@example\.gov\.vn: not sent: 530 /);
    expect(result.code).toBe(1);
    expect(smtp.messages()).toHaveLength(1);
  });
});
