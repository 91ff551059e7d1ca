// A unit's inspection summary findings as the JSON API answers them, for tests of the findings.
import { AgentStore } from "../../collector/agents/registry.js";
import { createApi } from "../../collector/http/api/router.js";
import type { Finding } from "../../collector/inspection/findings.js";
import type { TestStore } from "./store.js";

/** `findings(unit, period)`: what GET /api/v1/units/:id/summary?period= says at `now`. */
export function summaryFindings(
  store: TestStore,
  now: number,
): (unit: string, period: string) => Finding[] {
  const api = createApi({
    history: store.history,
    agents: new AgentStore(store.db),
    clock: () => now,
  });
  return (unit, period) =>
    (
      api(new URL(`http://collector/api/v1/units/${unit}/summary?period=${period}`)).body as {
        findings: Finding[];
      }
    ).findings;
}
