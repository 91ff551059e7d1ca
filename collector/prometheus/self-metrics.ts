// The collector's own metrics (prom-client), created on a registry passed in at start-up.
import { Counter, collectDefaultMetrics, Gauge, type Registry } from "prom-client";
import { PROTOCOL_ERRORS } from "../../shared/errors.js";
import { METRICS } from "../../shared/metrics.js";
import { VERSION } from "../../shared/version.js";

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;

export function createCollectorMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry, prefix: "giamsat_collector_" });
  // prom-client names these gauges with _total, which `promtool check metrics` rejects.
  for (const name of ["active_handles_total", "active_requests_total", "active_resources_total"]) {
    registry.removeSingleMetric(`giamsat_collector_nodejs_${name}`);
  }
  const gauge = <L extends string>(def: { name: string; help: string }, labelNames: L[] = []) =>
    new Gauge({ name: def.name, help: def.help, labelNames, registers: [registry] });
  const counter = <L extends string>(def: { name: string; help: string }, labelNames: L[] = []) =>
    new Counter({ name: def.name, help: def.help, labelNames, registers: [registry] });
  const rejectedMessages = counter(METRICS.rejectedMessages, ["code"]);
  // Every code is exposed from the start at 0, so increase() in an alert sees the first refusal.
  for (const code of ["unauthorized", ...Object.keys(PROTOCOL_ERRORS)])
    rejectedMessages.inc({ code }, 0);
  // Set once: alert rules compare each agent's version with it.
  const collectorInfo = gauge(METRICS.collectorInfo, ["version"]);
  collectorInfo.set({ version: VERSION }, 1);
  return {
    agentConnected: gauge(METRICS.agentConnected, ["unit", "agent"]),
    agentLastSeen: gauge(METRICS.agentLastSeen, ["unit", "agent"]),
    agentClockOffset: gauge(METRICS.agentClockOffset, ["unit", "agent"]),
    agentInfo: gauge(METRICS.agentInfo, ["unit", "agent", "version", "os", "node", "config"]),
    agentRefusedSamples: counter(METRICS.agentRefusedSamples, ["unit", "agent", "reason"]),
    unitInfo: gauge(METRICS.unitInfo, ["unit", "name", "kind", "leader"]),
    ingestedSamples: counter(METRICS.ingestedSamples),
    ingestedBatches: counter(METRICS.ingestedBatches),
    duplicateBatches: counter(METRICS.duplicateBatches),
    rejectedMessages,
    collectorInfo,
    connectedAgents: gauge(METRICS.connectedAgents),
    storeSize: gauge(METRICS.storeSize),
    filesystemAvail: gauge(METRICS.filesystemAvail),
    failedWrites: counter(METRICS.failedWrites),
    scrapeDuration: gauge(METRICS.scrapeDuration),
    series: gauge(METRICS.series),
    remoteWriteSent: counter(METRICS.remoteWriteSent, ["endpoint"]),
    remoteWriteFailed: counter(METRICS.remoteWriteFailed, ["endpoint"]),
    remoteWriteRetried: counter(METRICS.remoteWriteRetried, ["endpoint"]),
    remoteWriteDropped: counter(METRICS.remoteWriteDropped, ["endpoint"]),
    remoteWriteQueue: gauge(METRICS.remoteWriteQueue, ["endpoint"]),
    remoteWriteLag: gauge(METRICS.remoteWriteLag, ["endpoint"]),
    notificationsSent: counter(METRICS.notificationsSent, ["channel"]),
    notificationsFailed: counter(METRICS.notificationsFailed, ["channel"]),
    notificationsRetried: counter(METRICS.notificationsRetried, ["channel"]),
    notificationsDropped: counter(METRICS.notificationsDropped, ["channel"]),
    notificationsQueued: gauge(METRICS.notificationsQueued, ["channel"]),
    unitAvailability: gauge(METRICS.unitAvailability, ["unit", "category", "window"]),
    maintenanceActive: gauge(METRICS.maintenanceActive, ["unit", "agent", "check", "category"]),
    checkDependency: gauge(METRICS.checkDependency, ["unit", "agent", "check", "parent"]),
    availabilityTarget: gauge(METRICS.availabilityTarget),
    // "task", not "job": Prometheus sets "job" on every scraped series itself.
    // The background jobs' time (tsdb/jobs.ts); the metric keeps its name for dashboards and alerts.
    jobSeconds: counter(METRICS.maintenanceSeconds, ["task"]),
    rollupLag: gauge(METRICS.rollupLag),
    storeUpgrade: gauge(METRICS.storeUpgrade),
  };
}
