// What `enroll` hands to unit IT staff: the agent's URL and a ready agent.yaml with its token
// (written by shared/config/agent-yaml.ts, which the agent uses when it enrolls with a code).
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { CollectorConfig } from "../../shared/config/collector.js";
import { AGENT_PATH } from "../../shared/protocol.js";

export { agentYaml } from "../../shared/config/agent-yaml.js";

export function agentUrl(config: CollectorConfig): string {
  const { host, port } = config.listen;
  const shown =
    host === "0.0.0.0" || host === "::" ? hostname() : host.includes(":") ? `[${host}]` : host;
  return `${config.tls ? "wss" : "ws"}://${shown}:${port}${AGENT_PATH}`;
}

/** The fingerprint agents may pin: that of the certificate the collector serves now. */
export function certificatePin(config: CollectorConfig): string | undefined {
  return config.tls ? new X509Certificate(readFileSync(config.tls.cert)).fingerprint256 : undefined;
}
