// E-mail through a real SMTP server (Debian's python3-aiosmtpd) from a real collector process fed
// by a real agent: the unit's IT contact receives the incident of a check that fails, with the
// unit's name and the Vietnamese words intact once the MIME encoding is undone, then its end; the
// unit page lists both and the audit log has both.
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../helpers/delivery.js";
import { type Mail, SmtpServer, smtpPeer } from "../../helpers/mailbox.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../../helpers/processes.js";

const python = smtpPeer();
const UNIT = "Sở Thông tin và Truyền thông";

describe.skipIf(!python)("e-mail to a unit's IT contact", () => {
  const dir = tempDir();
  let smtp: SmtpServer;
  let collector: CollectorProcess;
  let agent: Program | undefined;
  let service: Server | undefined;
  let servicePort = 0;

  beforeAll(async () => {
    smtp = new SmtpServer(python as string, await freePort(), join(dir.path, "Maildir"));
    await smtp.start();
    servicePort = await freePort();
    collector = await startCollectorProcess(
      dir.path,
      `web: { auth: false, publicUrl: "https://giamsat.danang.gov.vn" }
notifications:
  channels:
    - { name: mail, type: email, smtp: { host: "127.0.0.1", port: ${smtp.port} }, from: "giamsat <giamsat@example.gov.vn>" }
  routes:
    - { channels: [mail], to: unit-contacts }
  groupWait: "2s"
units:
  - id: so-tttt
    name: "${UNIT}"
    contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn" }
`,
    );
    const token = await collector.enroll("so-tttt", "pc-01");
    const config = writeAgentConfig(
      dir.path,
      "pc-01",
      collector.url,
      token,
      `host: false
checks:
  - { name: cong-dich-vu, category: online_app, kind: tcp, host: "127.0.0.1", port: ${servicePort}, interval: "1s", timeout: "1s" }
`,
    );
    agent = startProgram(AGENT_CLI, ["run", "--config", config]);
  });

  afterAll(async () => {
    await agent?.stop();
    await collector?.program.stop();
    await smtp?.stop();
    await new Promise((resolve) => (service ? service.close(resolve) : resolve(undefined)));
    dir.remove();
  });

  const mails = () => smtp.messages();

  it("sends the incident of a failing check with the unit's name and diacritics intact", async () => {
    const [mail] = await eventually(
      () => (mails().length > 0 ? mails() : undefined),
      30_000,
      "the incident's e-mail",
    );
    const opened = mail as Mail;
    expect(opened.to).toBe("binh@example.gov.vn");
    expect(opened.rcptTo).toBe("binh@example.gov.vn");
    expect(opened.from).toBe("giamsat <giamsat@example.gov.vn>");
    // Encoded words on the wire, the Vietnamese text once decoded.
    expect(opened.rawSubject).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(opened.subject).toBe(`[giamsat] ${UNIT}: Gián đoạn: cong-dich-vu`);
    expect(opened.text).toContain(UNIT);
    expect(opened.text).toContain("Các ứng dụng trên mạng: cong-dich-vu không hoạt động từ");
    expect(opened.text).toContain("từ chối kết nối");
    expect(opened.text).toContain("Xem chi tiết: https://giamsat.danang.gov.vn/units/so-tttt");
    expect(opened.html).toContain("<td");
    expect(opened.html).toContain(UNIT);
    expect(opened.messageId).toBe(`<${opened.dedupeKey}@example.gov.vn>`);
    expect(opened.events).toMatch(/^i\d+\.opened$/);
  });

  it("sends its end once the check succeeds again", async () => {
    service = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => service?.listen(servicePort, "127.0.0.1", resolve));
    const all = await eventually(
      () => (mails().length >= 2 ? mails() : undefined),
      30_000,
      "the resolution's e-mail",
    );
    const [opened, resolved] = all as [Mail, Mail];
    expect(resolved.subject).toBe(`[giamsat] ${UNIT}: Đã khắc phục: cong-dich-vu`);
    expect(resolved.text).toContain("cong-dich-vu hoạt động trở lại lúc");
    expect(resolved.events).toBe(opened.events.replace(".opened", ".resolved"));
    expect(resolved.dedupeKey).not.toBe(opened.dedupeKey);
    await new Promise((r) => setTimeout(r, 3000));
    expect(mails()).toHaveLength(2);
  });

  it("lists both on the unit page and in the audit log", async () => {
    const page = await (await fetch(`${collector.url}/units/so-tttt`)).text();
    const section = page.slice(page.indexOf('id="notifications"'));
    expect(section).toContain("Thông báo đã gửi");
    expect(section.match(/data-notification="sent"/g)).toHaveLength(2);
    expect(section).toContain("binh@example.gov.vn");
    expect(section).toContain(`[giamsat] ${UNIT}: Đã khắc phục: cong-dich-vu`);
    const audit = await (await fetch(`${collector.url}/audit`)).text();
    // The action in words: "Gửi thông báo" (notify).
    expect(audit.match(/<td data-label="Thao tác">Gửi thông báo<\/td>/g)).toHaveLength(2);
    expect(audit).toContain("mail binh@example.gov.vn");
  });
});
