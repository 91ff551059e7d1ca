// The "watch your gateway" hint: when agent.yaml checks nothing in category lan, suggest pinging the
// machine's default gateway, as a line ready to paste under `checks:`.
import type { CheckBase } from "../shared/config/agent.js";

export interface GatewaySuggestion {
  gateway: string;
  /** The check to paste, e.g. `- { name: gateway, category: lan, kind: ping, host: "10.0.2.2" }`. */
  line: string;
}

function watchesLan(checks: readonly CheckBase[]): boolean {
  return checks.some((check) => check.category === "lan");
}

/** The suggestion for these checks and this gateway, or undefined when none is due. */
export function gatewaySuggestion(
  checks: readonly CheckBase[],
  gateway: string | undefined,
): GatewaySuggestion | undefined {
  if (!gateway || watchesLan(checks)) return undefined;
  const names = new Set(checks.map((check) => check.name));
  const name = ["gateway", "lan-gateway", "default-gateway"].find((n) => !names.has(n));
  if (!name) return undefined;
  return {
    gateway,
    line: `- { name: ${name}, category: lan, kind: ping, host: "${gateway}" }`,
  };
}

/** Asks the system for its default gateway; undefined when it has none or cannot tell. */
export async function defaultGateway(): Promise<string | undefined> {
  try {
    // Loaded here: most agents watch their LAN and never need systeminformation's code in memory.
    const { default: si } = await import("systeminformation");
    return (await si.networkGatewayDefault()) || undefined;
  } catch {
    return undefined;
  }
}

/** Looks the gateway up only when the suggestion could be due. */
export async function suggestGateway(
  checks: readonly CheckBase[],
): Promise<GatewaySuggestion | undefined> {
  if (watchesLan(checks)) return undefined;
  return gatewaySuggestion(checks, await defaultGateway());
}

/** The text `giamsat-agent check` prints after its table. */
export function formatGatewaySuggestion(suggestion: GatewaySuggestion): string {
  return `\nNo check watches the LAN (category lan). This machine's default gateway is ${suggestion.gateway}; to ping it, add under checks:\n  ${suggestion.line}\n`;
}
