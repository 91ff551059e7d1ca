// What the inspection's answers are read from: the derived history, the agents, and the readers
// made on them once. The JSON API and the pages answer from the same readers, so they never
// disagree.

import { CheckStatus } from "./check-status.js";
import type { History } from "./history.js";
import { IncidentList } from "./incident-list.js";
import { InventoryReader } from "./inventory.js";

/** An enrolled agent as the pages and the API show it (agents/registry.ts keeps them). */
export interface AgentRecord {
  id: number;
  unit: string;
  name: string;
  revokedAt: number | null;
  lastSeen: number | null;
  hostname: string | null;
  os: string | null;
  agentVersion: string | null;
}

export interface AgentListing {
  list(): readonly AgentRecord[];
}

export interface Readers {
  history: History;
  agents: AgentListing;
  status: CheckStatus;
  incidents: IncidentList;
  inventory: InventoryReader;
  now(): number;
}

export function inspectionReaders(deps: {
  history: History;
  agents: AgentListing;
  clock?: (() => number) | undefined;
}): Readers {
  return {
    history: deps.history,
    agents: deps.agents,
    status: new CheckStatus(deps.history.db, deps.history.samples),
    incidents: new IncidentList(deps.history.db, deps.history.catalog, deps.history.dependencies),
    inventory: new InventoryReader(deps.history.db),
    now: deps.clock ?? Date.now,
  };
}
