// What `enroll` hands to unit IT staff: the agent's URL and a ready agent.yaml with its token.
import { hostname } from "node:os";
import type { CollectorConfig } from "../shared/config/collector.js";
import { AGENT_PATH } from "../shared/protocol.js";

export function agentUrl(config: CollectorConfig): string {
  const { host, port } = config.listen;
  const shown =
    host === "0.0.0.0" || host === "::" ? hostname() : host.includes(":") ? `[${host}]` : host;
  return `ws://${shown}:${port}${AGENT_PATH}`;
}

export function agentYaml(url: string, token: string, checks = "checks: []\n"): string {
  return `# giamsat agent configuration. Keep this file private: it holds the agent's token.
collector: "${url}"
token: "${token}"
buffer: { path: "./data/agent-buffer.db", maxMegabytes: 256 }
host: { interval: "30s", inventoryInterval: "24h" }
${checks}`;
}
