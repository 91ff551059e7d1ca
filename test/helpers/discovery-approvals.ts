// Discovery on a test store whose approvals become central checks, as the collector wires it: the
// units whose agents were told to fetch their checks again are kept in `pushed`.
import { centralApprovals } from "../../collector/discovery/central-approvals.js";
import { Discovery } from "../../collector/discovery/service.js";
import { DiscoveryStore } from "../../collector/discovery/store.js";
import { silentLogger } from "../../shared/log.js";
import type { TestStore } from "./store.js";

export function approvingDiscovery(store: TestStore, now: number) {
  const pushed: string[] = [];
  const discovery = new Discovery(
    store.db,
    () => store.config.units,
    { discoveryAgent: () => undefined, isConnected: () => false },
    silentLogger(),
    {
      clock: () => now,
      approved: centralApprovals({
        db: store.db,
        units: () => store.config.units,
        push: (unit) => pushed.push(unit),
      }),
    },
  );
  return { discovery, pushed, runs: new DiscoveryStore(store.db) };
}
