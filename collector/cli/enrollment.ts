// What `enroll` hands to unit IT staff: the agent's URL and a ready agent.yaml with its token.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { CollectorConfig } from "../../shared/config/collector.js";
import { AGENT_PATH } from "../../shared/protocol.js";

export function agentUrl(config: CollectorConfig): string {
  const { host, port } = config.listen;
  const shown =
    host === "0.0.0.0" || host === "::" ? hostname() : host.includes(":") ? `[${host}]` : host;
  return `${config.tls ? "wss" : "ws"}://${shown}:${port}${AGENT_PATH}`;
}

/** `pin`: the SHA-256 fingerprint of the collector's certificate, offered as tlsPin. */
export function agentYaml(
  url: string,
  token: string,
  options: { pin?: string | undefined; checks?: string } = {},
): string {
  const { pin, checks = "checks: []\n" } = options;
  return `# giamsat agent configuration. Keep this file private: it holds the agent's token.
collector: "${url}"
token: "${token}"
${
  url.startsWith("wss:")
    ? `# tlsCa: "./collector-ca.pem"   # when the collector's certificate is not from a public CA
${pin ? `# tlsPin: "${pin}"   # optional: accept only this certificate\n` : ""}`
    : ""
}buffer: { path: "./data/agent-buffer.db", maxMegabytes: 256 }
host: { interval: "30s", inventoryInterval: "24h" }
${checks}`;
}

/** The fingerprint agents may pin: that of the certificate the collector serves now. */
export function certificatePin(config: CollectorConfig): string | undefined {
  return config.tls ? new X509Certificate(readFileSync(config.tls.cert)).fingerprint256 : undefined;
}
