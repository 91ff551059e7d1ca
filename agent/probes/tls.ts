// Certificates of TLS services (mail, LDAPS, VPN portals, ...): handshake, chain, expiry. The
// certificate is read and its expiry reported even when it is refused.
import { tlsCheckSchema } from "../../shared/config/checks/tls.js";
import { METRICS } from "../../shared/metrics.js";
import {
  certificateLine,
  describeCertificate,
  formatDaysLeft,
  formatTimestamp,
  judgeCertificate,
  peerChain,
} from "./certificate.js";
import { closeConnection, connectTls, failure, readCa } from "./connect.js";
import { defineProbe, type ProbeOutcome } from "./probe.js";

export const tlsProbe = defineProbe({
  schema: tlsCheckSchema,
  files: ["ca"],
  async run(check, ctx) {
    const ca = await readCa(check.ca);
    let socket: Awaited<ReturnType<typeof connectTls>>;
    try {
      socket = await connectTls(
        { host: check.host, port: check.port, serverName: check.serverName, ca },
        ctx.signal,
      );
    } catch (error) {
      return failure(error, ctx.signal);
    }
    try {
      const chain = peerChain(socket.getPeerCertificate(true));
      const first = chain[0];
      if (!first) return { up: false, reason: "tls", message: "the server sent no certificate" };
      const leaf = describeCertificate(first);
      const now = Date.now() / 1000;
      const verdict = judgeCertificate({
        leaf,
        authorizationError: socket.authorized ? undefined : String(socket.authorizationError),
        insecureSkipVerify: check.insecureSkipVerify,
        now,
      });
      const line = certificateLine(leaf);
      const outcome: ProbeOutcome = {
        up: verdict.ok,
        // Down, the table shows the message: kept short. Up, it records the whole picture.
        message: verdict.ok
          ? `${line}, chain of ${chain.length}, sha256 ${leaf.fingerprint256}`
          : `${verdict.problem} (${line})`,
        samples: [{ metric: METRICS.tlsExpiry.name, value: leaf.notAfter }],
        summary: {
          expires: `${formatTimestamp(leaf.notAfter)} (${formatDaysLeft(leaf.notAfter, now)})`,
          subject: leaf.subject,
          issuer: leaf.issuer,
        },
      };
      if (!verdict.ok) outcome.reason = "tls";
      if (ctx.inventoryDue) {
        outcome.inventory = {
          protocol: socket.getProtocol(),
          cipher: socket.getCipher().name,
          authorized: socket.authorized,
          chain: chain.map((cert) => {
            const info = describeCertificate(cert);
            return {
              ...info,
              notBefore: formatTimestamp(info.notBefore),
              notAfter: formatTimestamp(info.notAfter),
            };
          }),
        };
      }
      return outcome;
    } finally {
      closeConnection(socket);
    }
  },
});
