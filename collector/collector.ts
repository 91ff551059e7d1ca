// Puts the collector together: store, ingest, exposition and HTTP server, started and stopped as one.
import { statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import type { CollectorConfig } from "../shared/config/collector.js";
import type { Logger } from "../shared/log.js";
import { AGENT_PATH } from "../shared/protocol.js";
import { createApi } from "./api/router.js";
import { AvailabilityGauges } from "./availability-gauges.js";
import { type AgentLabels, LatestValues } from "./exposition.js";
import { createHandler } from "./http.js";
import { Ingest } from "./ingest.js";
import { createCollectorMetrics } from "./metrics.js";
import { AgentStore } from "./store/agents.js";
import { openDatabase } from "./store/database.js";
import { History } from "./store/history.js";
import { SampleStore } from "./store/samples.js";
import { syncUnits } from "./store/units.js";
import { BatchWriter } from "./writer.js";

export interface RunningCollector {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export async function startCollector(
  config: CollectorConfig,
  log: Logger,
): Promise<RunningCollector> {
  const db = openDatabase(config.database);
  const now = Date.now();
  syncUnits(db, config.units, now);
  const agents = new AgentStore(db);
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  // Rollups, compaction, retention and incidents run in the background in short steps.
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt: now,
    log: log.child({ component: "store" }),
    onStep: (job, seconds) => metrics.maintenanceSeconds.inc({ job }, seconds),
  });
  // Incidents of checks stored by a version that did not look for them.
  history.catchUp(now);
  history.maintenance.add(
    new AvailabilityGauges(history, metrics.unitAvailability, metrics.rollupLag),
  );
  const samples = new SampleStore(db, history.hooks);
  for (const unit of config.units) {
    metrics.unitInfo.set(
      { unit: unit.id, name: unit.name, kind: unit.kind, leader: unit.leader?.name ?? "" },
      1,
    );
  }

  // Every enrolled agent has a giamsat_agent_connected series from the start, so an agent that
  // does not come back after a collector restart is seen as disconnected, not as absent.
  for (const agent of agents.list()) {
    if (agent.revokedAt !== null) continue;
    const labels = { unit: agent.unit, agent: agent.name };
    metrics.agentConnected.set(labels, 0);
    if (agent.lastSeen !== null) metrics.agentLastSeen.set(labels, agent.lastSeen / 1000);
  }

  const names = new Map<number, AgentLabels>();
  const latest = new LatestValues(config.metrics.staleness, (id) => {
    let found = names.get(id);
    if (!found) {
      found = agents.labels(id);
      if (found) names.set(id, found);
    }
    return found;
  });
  latest.update(samples.latest(now - config.metrics.staleness), now);

  const writer = new BatchWriter(db, samples);
  const ingest = new Ingest({
    agents,
    samples,
    writer,
    latest,
    metrics,
    log: log.child({ component: "ingest" }),
  });
  const server: Server = createServer(
    createHandler({
      db,
      agents,
      latest,
      registry,
      metrics,
      metricsToken: config.metrics.token,
      api: createApi({ history, agents, incidents: config.incidents }),
      log: log.child({ component: "http" }),
    }),
  );
  server.on("upgrade", (request, socket, head) => {
    const path = new URL(request.url ?? "/", "http://collector").pathname;
    if (path !== AGENT_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    ingest.upgrade(request, socket, head);
  });

  // Another process (giamsat-collector revoke) may change the file; data_version tells us cheaply.
  let dataVersion = db.pragma("data_version", { simple: true });
  const watch = setInterval(() => {
    const version = db.pragma("data_version", { simple: true });
    if (version !== dataVersion) {
      dataVersion = version;
      ingest.closeRevoked(agents.revoked(ingest.connectedIds(), Date.now()));
    }
    try {
      metrics.storeSize.set(statSync(config.database).size);
    } catch {
      // the size is informative only
    }
  }, 500);
  watch.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  history.maintenance.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info({ url, database: config.database, units: config.units.length }, "listening");

  return {
    url,
    async close() {
      clearInterval(watch);
      history.maintenance.stop();
      await ingest.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
