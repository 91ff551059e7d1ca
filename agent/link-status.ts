// What `giamsat-agent status` shows of the agent's link to the collector (link.ts keeps it).
import type { Advice } from "./link-advice.js";

export type LinkState = "connecting" | "open" | "closed" | "stopped";

/** What `giamsat-agent status` shows of the link. */
export interface LinkStatus {
  state: LinkState;
  /** When it went into that state, ms since the epoch. */
  since: number;
  url: string;
  /** As the collector named them in its last welcome. */
  unit?: string;
  agent?: string;
  /** The last thing that went wrong, and when. */
  problem?: Advice & { at: number };
  /** The collector revoked this agent: results are not kept until agent.yaml changes. */
  revoked: boolean;
}
