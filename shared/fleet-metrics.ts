// Part of the one metric table (metrics.ts spreads it in): what the collector exposes about its
// agents as a fleet, for the fleet's Grafana panel and alert rules.
import { collector } from "./metric-def.js";

export const FLEET_METRICS = {
  agentInfo: collector(
    "giamsat_agent_info",
    "gauge",
    "Agent metadata from its last hello (version, os, node) and the state of its central checks (config: none, sent, applied, refused); always 1.",
  ),
};
