// The e-mail channel: SMTP through nodemailer, one message per person, with a text and an HTML
// part (MIME encoded words for a Vietnamese subject, RFC 2047) and the summary's CSV attached. The
// message's dedupe key is its Message-ID, so a copy sent again after a crash is recognisable.
import { readFileSync } from "node:fs";
import { createTransport } from "nodemailer";
import type { ChannelConfigOf } from "../../../shared/config/notification-channels.js";
import type { ChannelDefinition, SendOutcome } from "./channel.js";

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
}

/** The domain of the sender's address, for Message-IDs (RFC 5322, section 3.6.4). */
function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "giamsat.invalid";
}

function outcome(error: SmtpError, secrets: readonly string[]): SendOutcome {
  let said = error.response ?? `${error.code ?? ""} ${error.message}`.trim();
  for (const secret of secrets) if (secret) said = said.replaceAll(secret, "[redacted]");
  said = said.slice(0, 300);
  // Wrong credentials are fixed in collector.yaml: what waits is sent once they are right.
  if (error.code === "EAUTH") return { kind: "retry", error: `login refused: ${said}` };
  if (error.permanent === true) return { kind: "refused", error: said };
  return { kind: "retry", error: said };
}

export const emailChannel: ChannelDefinition<"email"> = {
  type: "email",
  addresses: (_config, people) => people.flatMap((p) => (p.email ? [p.email] : [])),
  resolveFiles(config, resolve) {
    if (config.smtp.ca !== undefined) config.smtp.ca = resolve(config.smtp.ca, "smtp.ca");
  },
  create(config: ChannelConfigOf<"email">) {
    const { smtp } = config;
    const options = {
      host: smtp.host,
      port: smtp.port,
      secure: smtp.security === "tls",
      requireTLS: smtp.security === "starttls",
      ignoreTLS: smtp.security === "none",
      ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? "" } } : {}),
      ...(smtp.ca ? { tls: { ca: readFileSync(smtp.ca) } } : {}),
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    };
    const transport = smtp.pool
      ? createTransport({ ...options, pool: true, maxConnections: smtp.maxConnections })
      : createTransport(options);
    const domain = domainOf(config.from);
    const secrets = [smtp.password ?? ""];
    return {
      async send({ address, message }, signal) {
        try {
          const info = await transport.sendMail({
            from: config.from,
            to: address,
            subject: message.subject,
            text: message.text,
            html: message.html,
            messageId: `<${message.dedupeKey}@${domain}>`,
            date: new Date(message.createdAt),
            headers: {
              "X-Giamsat-Dedupe-Key": message.dedupeKey,
              "X-Giamsat-Events": message.items.flatMap((i) => i.eventKeys).join(" "),
              "Auto-Submitted": "auto-generated",
            },
            attachments: message.attachments.map((a) => ({
              filename: a.filename,
              content: a.content,
              contentType: a.contentType,
            })),
            signal,
          });
          return { kind: "sent", answer: info.response ?? "accepted" };
        } catch (error) {
          return outcome(error as SmtpError, secrets);
        }
      },
      async close() {
        transport.close();
      },
    };
  },
};
