// The agent.yaml handed to a unit: written by the collector's enroll and rotate (the token inside),
// and by the agent itself when it enrolls with a code or is installed.

export interface AgentYamlOptions {
  /** The collector certificate's SHA-256, offered commented out as tlsPin. */
  pin?: string | undefined;
  /** tlsCa and tlsPin the agent was enrolled with: written as they are, not commented out. */
  tlsCa?: string | undefined;
  tlsPin?: string | undefined;
  /** buffer.path; default ./data/agent-buffer.db (beside agent.yaml). */
  bufferPath?: string;
  /** The checks section; default `checks: []`. */
  checks?: string;
  /** A comment line saying which unit and agent the token is for. */
  enrolledAs?: { unit: string; agent: string };
}

export function agentYaml(url: string, token: string, options: AgentYamlOptions = {}): string {
  const {
    pin,
    tlsCa,
    tlsPin,
    bufferPath = "./data/agent-buffer.db",
    checks = "checks: []\n",
  } = options;
  const tls = url.startsWith("wss:")
    ? [
        tlsCa
          ? `tlsCa: ${JSON.stringify(tlsCa)}\n`
          : `# tlsCa: "./collector-ca.pem"   # when the collector's certificate is not from a public CA\n`,
        tlsPin
          ? `tlsPin: ${JSON.stringify(tlsPin)}\n`
          : pin
            ? `# tlsPin: "${pin}"   # optional: accept only this certificate\n`
            : "",
      ].join("")
    : "";
  const as = options.enrolledAs
    ? `# Enrolled as agent "${options.enrolledAs.agent}" of unit "${options.enrolledAs.unit}".\n`
    : "";
  return `# giamsat agent configuration. Keep this file private: it holds the agent's token.
${as}collector: "${url}"
token: "${token}"
${tls}buffer: { path: ${JSON.stringify(bufferPath)}, maxMegabytes: 256 }
host: { interval: "30s", inventoryInterval: "24h" }
${checks}`;
}
