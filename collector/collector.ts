// Puts the collector together: the database, the time-series engine and what is derived from it,
// ingest, the exposition, notifications and the HTTP server, started and stopped as one.
import { statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import type { CollectorConfig, UnitConfig } from "../shared/config/collector.js";
import type { Logger } from "../shared/log.js";
import { METRICS } from "../shared/metrics.js";
import { openToOthers, sqliteFiles } from "../shared/private-file.js";
import { AGENT_PATH } from "../shared/protocol.js";
import { VERSION } from "../shared/version.js";
import { BatchStore } from "./agents/batch-store.js";
import { BatchWriter } from "./agents/batch-writer.js";
import { EnrollmentDesk } from "./agents/enrollment.js";
import { Ingest } from "./agents/ingest.js";
import { AgentStore } from "./agents/registry.js";
import { SeriesBudget } from "./agents/series-budget.js";
import { openDatabase } from "./db/database.js";
import { StorageHealth } from "./db/storage-health.js";
import { centralApprovals } from "./discovery/central-approvals.js";
import { Discovery } from "./discovery/service.js";
import { syncConfigChecks } from "./fleet/central-checks.js";
import { CentralConfigDesk } from "./fleet/config-desk.js";
import { fleetView, packageListing } from "./fleet/fleet-view.js";
import { servePackage } from "./fleet/package-download.js";
import { UpgradeDesk } from "./fleet/upgrade-desk.js";
import { sayHowItIsExposed } from "./http/exposure-log.js";
import { createHandler } from "./http/server.js";
import { loadTls, reloadTls } from "./http/tls.js";
import { AVAILABILITY_TARGET } from "./inspection/findings.js";
import { History } from "./inspection/history.js";
import { inspectionReaders } from "./inspection/readers.js";
import { syncUnits, unitRoots } from "./inspection/units.js";
import { EventQueue } from "./notifications/events.js";
import { Notifier } from "./notifications/notifier.js";
import { Policy, plannedMaintenance } from "./notifications/policy.js";
import { AlertmanagerSilences } from "./notifications/silences.js";
import { AgentSeries, publishUnits } from "./prometheus/agent-series.js";
import { AvailabilityGauges } from "./prometheus/availability-gauges.js";
import { type AgentLabels, LatestValues } from "./prometheus/exposition.js";
import { MaintenanceGauge } from "./prometheus/maintenance-gauge.js";
import { createCollectorMetrics } from "./prometheus/self-metrics.js";
import { Forwarder } from "./remote-write/forwarder.js";

/** How often maintenance windows are mirrored as Alertmanager silences. */
const SILENCE_SYNC_MS = 5000;

export interface RunningCollector {
  /** e.g. http://127.0.0.1:8080, https://... with TLS */
  url: string;
  /** Reads the TLS certificate and key again (SIGHUP); false without TLS or when they are bad. */
  reloadTls(): boolean;
  /**
   * Takes collector.yaml's units again (SIGHUP): their checks go to the connected agents of the
   * units whose checks changed (returned), their discovery networks and schedules apply from now.
   * Throws a ConfigError on a name clash.
   */
  reloadCentralChecks(units: readonly UnitConfig[]): string[];
  /** Sends the central checks again to connected agents of these units (all when undefined). */
  pushCentralChecks(units?: readonly string[]): number;
  /** Takes collector.yaml's upgrades again (SIGHUP) and offers the connected agents their targets. */
  reloadUpgrades(settings: CollectorConfig["upgrades"]): void;
  close(): Promise<void>;
}

export interface CollectorOptions {
  /**
   * The clock the monthly summaries and discovery schedules are scheduled by; for tests
   * (GIAMSAT_TEST_SCHEDULE_AT).
   */
  scheduleClock?: () => number;
}

export async function startCollector(
  config: CollectorConfig,
  log: Logger,
  options: CollectorOptions = {},
): Promise<RunningCollector> {
  const db = openDatabase(config.database);
  for (const { file, mode } of openToOthers(sqliteFiles(config.database))) {
    log.warn({ file, mode, hint: `chmod 600 ${file}` }, "file is open to other users");
  }
  const now = Date.now();
  syncUnits(db, config.units, now);
  syncConfigChecks(db, config.units, now);
  const agents = new AgentStore(db);
  const registry = new Registry();
  const metrics = createCollectorMetrics(registry);
  const central = new CentralConfigDesk(db, metrics.agentInfo);
  const upgrades = new UpgradeDesk(db, config.upgrades);
  // Incidents opened and closed queue their notification events in their own transaction; the
  // policy is where an event may be held back. Without channels nothing is queued.
  const notifying = config.notifications.channels.length > 0;
  const notificationEvents = new EventQueue(db, new Policy([plannedMaintenance]));
  // Rollups, compaction, retention and incidents run in the background in short steps.
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt: now,
    roots: unitRoots(config.units),
    log: log.child({ component: "store" }),
    onStep: (task, seconds) => {
      metrics.jobSeconds.inc({ task }, seconds);
      if (task === history.upgrade.name) metrics.storeUpgrade.set(history.upgrade.progress);
    },
    ...(notifying ? { incidentListener: notificationEvents } : {}),
  });
  metrics.storeUpgrade.set(history.upgrade.progress);
  const windows = history.maintenance.syncConfig(config.maintenance, now);
  if (windows.added + windows.removed > 0)
    log.info(windows, "maintenance windows of collector.yaml");
  // Incidents of checks stored by a version that did not look for them.
  history.catchUp(now);
  history.jobs.add(new AvailabilityGauges(history, metrics.unitAvailability, metrics.rollupLag));
  history.jobs.add(
    new MaintenanceGauge(history, metrics.maintenanceActive, metrics.checkDependency),
  );
  // Samples are queued for remote write by the same transaction that stores them.
  const forwarder = new Forwarder(
    db,
    config.remoteWrite,
    metrics,
    log.child({ component: "remote-write" }),
  );
  const budget = new SeriesBudget(db, {
    perAgent: config.limits.seriesPerAgent,
    perCollector: config.limits.seriesPerCollector,
  });
  const batches = new BatchStore(db, { ...history.hooks, sample: forwarder.onStored }, budget);
  publishUnits(metrics, config.units);
  metrics.availabilityTarget.set(AVAILABILITY_TARGET);

  const names = new Map<number, AgentLabels>();
  const latest = new LatestValues(config.metrics.staleness, (id) => {
    let found = names.get(id);
    if (!found) {
      found = agents.labels(id);
      if (found) names.set(id, found);
    }
    return found;
  });
  latest.update(batches.latest(now - config.metrics.staleness), now);
  const agentSeries = new AgentSeries(metrics, agents, (id) => {
    latest.forgetAgent(id);
    central.forget(id);
  });
  agentSeries.sync(() => false);

  const health = new StorageHealth(
    config.database,
    config.health.minFreeMegabytes * 2 ** 20,
    metrics,
  );
  const readers = inspectionReaders({ history, agents });
  const notifier = notifying
    ? new Notifier({
        db,
        database: config.database,
        settings: config.notifications,
        units: config.units,
        publicUrl: config.web.publicUrl,
        events: notificationEvents,
        history,
        readers,
        metrics,
        log: log.child({ component: "notifications" }),
        ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
      })
    : undefined;

  // Each Alertmanager channel gets a silence for each maintenance window on now or soon.
  const alertmanagers = config.notifications.channels.flatMap((c) =>
    c.type === "alertmanager" ? [c] : [],
  );
  const silences =
    alertmanagers.length > 0
      ? new AlertmanagerSilences(
          history.maintenance,
          alertmanagers,
          log.child({ component: "silences" }),
        )
      : undefined;
  const silenceTimer = silences
    ? setInterval(() => void silences.sync(Date.now()), SILENCE_SYNC_MS)
    : undefined;
  silenceTimer?.unref();

  const writer = new BatchWriter(db, batches, (failed, error) =>
    health.wrote(failed, error, Date.now()),
  );
  const ingest: Ingest = new Ingest({
    agents,
    writer,
    latest,
    metrics,
    log: log.child({ component: "ingest" }),
    limits: config.limits,
    central,
    upgrades,
    onDiscovery: (agent, report) => discovery.report(agent, report),
    onHello: (agent) => discovery.agentConnected(agent),
  });
  // The units as collector.yaml said at start or at the last good SIGHUP: discovery's networks,
  // credentials and schedules follow it.
  let units: readonly UnitConfig[] = config.units;
  const discovery = new Discovery(
    db,
    () => units,
    {
      discoveryAgent: (unit) => ingest.discoveryAgent(unit),
      isConnected: (id) => ingest.isConnected(id),
    },
    log.child({ component: "discovery" }),
    {
      ...(options.scheduleClock ? { scheduleClock: options.scheduleClock } : {}),
      approved: centralApprovals({
        db,
        units: () => units,
        push: (unit) => ingest.pushCentralChecks([unit]),
      }),
    },
  );
  discovery.startSchedules();
  const handler = createHandler({
    db,
    latest,
    registry,
    metrics,
    metricsToken: config.metrics.token,
    readers,
    log: log.child({ component: "http" }),
    auth: config.web.auth,
    secure: config.tls !== undefined,
    sessionTtlMs: config.web.session,
    loginFailuresPerMinute: config.limits.loginFailuresPerMinute,
    enrollment: new EnrollmentDesk({
      db,
      agents,
      log: log.child({ component: "enrollment" }),
      failuresPerMinute: config.limits.enrollFailuresPerMinute,
    }),
    health,
    discovery,
    reports: config.reports,
    pushCentralChecks: (unit) => ingest.pushCentralChecks([unit]),
    fleet: (unit) => {
      const dropped = latest.sumByAgent(METRICS.agentBufferDropped.name);
      const errors = latest.sumByAgent(METRICS.agentCheckErrors.name);
      const buffered = latest.sumByAgent(METRICS.agentBufferSamples.name);
      return fleetView(db, {
        droppedOf: (id) => dropped.get(id) ?? 0,
        checkErrorsOf: (id) => errors.get(id) ?? 0,
        bufferedOf: (id) => buffered.get(id),
        now: Date.now(),
        collectorVersion: VERSION,
        silentAfterMs: config.incidents.silentAfter,
        isConnected: (id) => ingest.isConnected(id),
        unit,
        centralOf: (id, agent) => {
          const set = central.configFor(id, agent);
          return { hash: set.hash, checks: set.checks.length, own: set.own };
        },
        targetOf: (id) => upgrades.targetOf(id),
      });
    },
    packages: () => (upgrades.packages?.list() ?? []).map(packageListing),
    agentPackage: (request, response, file) =>
      servePackage((r) => ingest.authorize(r), upgrades.packages, request, response, file),
  });
  const tls = config.tls;
  const server: Server | HttpsServer = tls
    ? createHttpsServer(loadTls(tls), handler)
    : createServer(handler);
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
    const changed = version !== dataVersion;
    ingest.checkTokens(Date.now(), changed);
    if (changed) agentSeries.sync((id) => ingest.isConnected(id));
    dataVersion = version;
    try {
      metrics.storeSize.set(statSync(config.database).size);
    } catch {
      // the size is informative only
    }
    health.availableBytes();
  }, 500);
  watch.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  history.jobs.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls ? "https" : "http"}://${host}:${address.port}`;
  log.info({ url, database: config.database, units: config.units.length }, "listening");
  forwarder.start();
  notifier?.start();
  if (notifier && config.notifications.routes.length === 0) {
    log.warn("notifications.channels are set but no routes: nothing will be sent; add routes");
  }
  sayHowItIsExposed(config, url, log);

  return {
    url,
    reloadTls: () => (tls ? reloadTls(server as HttpsServer, tls, log) : false),
    reloadCentralChecks(reloaded) {
      const changed = syncConfigChecks(db, reloaded, Date.now());
      units = reloaded;
      const agentsSent = ingest.pushCentralChecks(changed);
      log.info(
        { units: changed, agents: agentsSent },
        "central checks of collector.yaml read again",
      );
      return changed;
    },
    pushCentralChecks: (units) => ingest.pushCentralChecks(units),
    reloadUpgrades(settings) {
      upgrades.reload(settings);
      log.info({ offered: ingest.offerUpgrades() }, "upgrades of collector.yaml read again");
    },
    async close() {
      clearInterval(watch);
      discovery.close();
      if (silenceTimer) clearInterval(silenceTimer);
      history.jobs.stop();
      await ingest.close();
      await forwarder.close();
      await notifier?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
