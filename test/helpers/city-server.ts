// The collector's HTTP server (routes, guard, pages, API) over a test store, on a port chosen by
// the OS, with the pages' clock fixed: what a browser shows is then the same at every run.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { EnrollmentDesk } from "../../collector/agents/enrollment.js";
import { AgentStore } from "../../collector/agents/registry.js";
import { StorageHealth } from "../../collector/db/storage-health.js";
import { createHandler } from "../../collector/http/server.js";
import { inspectionReaders } from "../../collector/inspection/readers.js";
import { LatestValues } from "../../collector/prometheus/exposition.js";
import { createCollectorMetrics } from "../../collector/prometheus/self-metrics.js";
import { silentLogger } from "../../shared/log.js";
import type { TestStore } from "./store.js";

export interface StoreServer {
  url: string;
  close(): Promise<void>;
}

export async function serveStore(
  store: TestStore,
  now: number,
  options: { auth?: boolean } = {},
): Promise<StoreServer> {
  const registry = new Registry();
  const agents = new AgentStore(store.db);
  const metrics = createCollectorMetrics(registry);
  const handler = createHandler({
    db: store.db,
    latest: new LatestValues(600_000, (id) => agents.labels(id)),
    registry,
    metrics,
    metricsToken: undefined,
    pushCentralChecks: () => undefined,
    fleet: () => [],
    readers: inspectionReaders({ history: store.history, agents, clock: () => now }),
    log: silentLogger(),
    auth: options.auth ?? true,
    secure: false,
    sessionTtlMs: 3_600_000,
    loginFailuresPerMinute: 1000,
    enrollment: new EnrollmentDesk({
      db: store.db,
      agents,
      log: silentLogger(),
      failuresPerMinute: 1000,
    }),
    reports: store.config.reports,
    health: new StorageHealth(":memory:", 0, metrics),
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
