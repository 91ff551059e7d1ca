// The one table of metric names: what agents may send, with the labels each metric takes, and what
// the collector exposes itself. Ingest takes from agents only what this table declares (a probe that
// needs a new label declares it here). Names: prometheus.io/docs/practices/naming (base units).
import { DEPENDENCY_METRICS } from "./dependency-metrics.js";
import { DEVICE_METRICS } from "./device-metrics.js";
import { FLEET_METRICS } from "./fleet-metrics.js";
import { agent, CHECK_LABELS, collector, type MetricDef } from "./metric-def.js";

export { agent, CHECK_LABELS, collector, type MetricDef, type MetricType } from "./metric-def.js";

/**
 * A check's extra metrics (an SNMP check's `oids`, named in agent.yaml) are outside the table:
 * they carry the check's labels and at most this many of their own.
 */
export const MAX_EXTRA_LABELS = 8;
/** Prefixes of the collector's own series: its table entries and prom-client's process metrics. */
export const COLLECTOR_PREFIXES = ["giamsat_collector_", "giamsat_remote_write_"] as const;

function fromResults(name: string, help: string): MetricDef {
  return { name, type: "gauge", help, source: "agent", labels: CHECK_LABELS, fromResults: true };
}
const INTERFACE_LABELS = [...CHECK_LABELS, "interface", "index"];

export const METRICS = {
  checkUp: fromResults("giamsat_check_up", "1 if the last run of the check succeeded, else 0."),
  checkDuration: fromResults(
    "giamsat_check_duration_seconds",
    "How long the last run of the check took.",
  ),
  pingRtt: agent("giamsat_ping_rtt_seconds", "gauge", "Average round-trip time of the last run."),
  pingRttMin: agent("giamsat_ping_rtt_min_seconds", "gauge", "Smallest round-trip time."),
  pingRttMax: agent("giamsat_ping_rtt_max_seconds", "gauge", "Largest round-trip time."),
  pingJitter: agent(
    "giamsat_ping_jitter_seconds",
    "gauge",
    "Mean deviation of round-trip times (ping's mdev).",
  ),
  pingLoss: agent("giamsat_ping_loss_ratio", "gauge", "Packet loss of the last run, 0..1."),
  httpStatus: agent("giamsat_http_status_code", "gauge", "Last HTTP status code."),
  httpRedirects: agent("giamsat_http_redirects", "gauge", "Redirects followed in the last run."),
  httpContentLength: agent(
    "giamsat_http_content_length_bytes",
    "gauge",
    "Size of the last response body.",
  ),
  tlsExpiry: agent(
    "giamsat_tls_certificate_expiry_timestamp_seconds",
    "gauge",
    "notAfter of the peer certificate, as a Unix timestamp.",
  ),
  // Not *_count: that suffix belongs to histograms and summaries, and promtool refuses it on a gauge.
  dnsAnswers: agent(
    "giamsat_dns_answer_records",
    "gauge",
    "Records in the answer of the last lookup.",
  ),
  processCount: agent(
    "giamsat_process_instances",
    "gauge",
    "Running processes matching the check.",
  ),
  processCpu: agent(
    "giamsat_process_cpu_usage_ratio",
    "gauge",
    "CPU used by the matching processes since the previous run; 1 is one core fully busy.",
  ),
  processMemory: agent(
    "giamsat_process_resident_memory_bytes",
    "gauge",
    "Resident memory of the matching processes.",
  ),
  snmpUptime: agent("giamsat_snmp_uptime_seconds", "gauge", "sysUpTime of the device."),
  snmpInterfaceUp: agent(
    "giamsat_snmp_interface_up",
    "gauge",
    "1 if the interface's ifOperStatus is up, else 0.",
    INTERFACE_LABELS,
  ),
  snmpInterfaceSpeed: agent(
    "giamsat_snmp_interface_speed_bytes",
    "gauge",
    "Interface speed in bytes per second (ifHighSpeed or ifSpeed).",
    INTERFACE_LABELS,
  ),
  snmpInterfaceReceive: agent(
    "giamsat_snmp_interface_receive_bytes_total",
    "counter",
    "Octets received (ifHCInOctets, or ifInOctets when 64-bit counters are missing).",
    INTERFACE_LABELS,
  ),
  snmpInterfaceTransmit: agent(
    "giamsat_snmp_interface_transmit_bytes_total",
    "counter",
    "Octets sent (ifHCOutOctets, or ifOutOctets when 64-bit counters are missing).",
    INTERFACE_LABELS,
  ),
  snmpInterfaceReceiveErrors: agent(
    "giamsat_snmp_interface_receive_errors_total",
    "counter",
    "Inbound packets with errors (ifInErrors).",
    INTERFACE_LABELS,
  ),
  snmpInterfaceTransmitErrors: agent(
    "giamsat_snmp_interface_transmit_errors_total",
    "counter",
    "Outbound packets with errors (ifOutErrors).",
    INTERFACE_LABELS,
  ),
  ...DEVICE_METRICS,
  hostCpu: agent("giamsat_host_cpu_usage_ratio", "gauge", "CPU busy share, 0..1."),
  hostMemoryUsed: agent(
    "giamsat_host_memory_used_bytes",
    "gauge",
    "Memory in use (without caches).",
  ),
  hostMemoryTotal: agent("giamsat_host_memory_total_bytes", "gauge", "Installed memory."),
  hostFilesystemUsed: agent(
    "giamsat_host_filesystem_used_bytes",
    "gauge",
    "Used space per mount.",
    [...CHECK_LABELS, "mount", "fstype"],
  ),
  hostFilesystemSize: agent("giamsat_host_filesystem_size_bytes", "gauge", "Size per mount.", [
    ...CHECK_LABELS,
    "mount",
    "fstype",
  ]),
  hostUptime: agent("giamsat_host_uptime_seconds", "gauge", "Host uptime."),
  hostNetworkReceive: agent(
    "giamsat_host_network_receive_bytes_total",
    "counter",
    "Bytes received per network interface.",
    [...CHECK_LABELS, "interface"],
  ),
  hostNetworkTransmit: agent(
    "giamsat_host_network_transmit_bytes_total",
    "counter",
    "Bytes sent per network interface.",
    [...CHECK_LABELS, "interface"],
  ),
  agentBufferDropped: agent(
    "giamsat_agent_buffer_dropped_samples_total",
    "counter",
    "Samples the agent dropped unsent, by reason: full (its buffer was full), too_big (one entry larger than a batch), refused (the collector refused the batch as invalid, or left the samples out of a batch it stored), not_finite (the value was NaN or infinite), disk_full (the buffer's disk took no writes and the results held in memory meanwhile passed buffer.memoryMegabytes), corrupt (the buffer file was corrupt at start and these could not be read back).",
    ["reason"],
  ),
  agentBufferCorruptFiles: agent(
    "giamsat_agent_buffer_corrupt_files_total",
    "counter",
    "Buffer files the agent found corrupt at start, moved aside and replaced with a fresh one holding what could be read.",
    [],
  ),
  agentBufferSamples: agent(
    "giamsat_agent_buffer_samples",
    "gauge",
    "Samples the agent holds in its buffer until the collector acknowledges them: the backlog of a time away while it drains, else the few of batches in flight.",
    [],
  ),
  agentCheckErrors: agent(
    "giamsat_agent_check_errors_total",
    "counter",
    "Check runs that failed with an internal error (a bug or bad config), per check.",
    ["check"],
  ),
  agentConnected: collector(
    "giamsat_agent_connected",
    "gauge",
    "1 while the agent's WebSocket is open.",
  ),
  agentLastSeen: collector(
    "giamsat_agent_last_seen_timestamp_seconds",
    "gauge",
    "Time of the last message from the agent.",
  ),
  agentClockOffset: collector(
    "giamsat_agent_clock_offset_seconds",
    "gauge",
    "Agent clock minus collector clock, estimated from the last batch.",
  ),
  agentRefusedSamples: collector(
    "giamsat_agent_refused_samples_total",
    "counter",
    "Samples the collector left out of the agent's stored batches, by reason: unknown_metric, undeclared_label, labels_too_long, future_timestamp, agent_series_limit, collector_series_limit; a check result counts as two.",
  ),
  unitInfo: collector("giamsat_unit_info", "gauge", "Unit metadata; always 1."),
  unitAvailability: collector(
    "giamsat_unit_availability_ratio",
    "gauge",
    "Share of observed time the unit's checks were up, per category and window.",
  ),
  ...DEPENDENCY_METRICS,
  ...FLEET_METRICS,
  availabilityTarget: collector(
    "giamsat_availability_target_ratio",
    "gauge",
    "Share of observed time a category should be up: the target the inspection reports hold units to.",
  ),
  ingestedSamples: collector(
    "giamsat_collector_ingested_samples_total",
    "counter",
    "Samples stored from agents.",
  ),
  ingestedBatches: collector(
    "giamsat_collector_ingested_batches_total",
    "counter",
    "Batches stored from agents.",
  ),
  duplicateBatches: collector(
    "giamsat_collector_duplicate_batches_total",
    "counter",
    "Batches acknowledged again without storing because their seq was already stored.",
  ),
  rejectedMessages: collector(
    "giamsat_collector_rejected_messages_total",
    "counter",
    "Messages or connections refused, by error code.",
  ),
  connectedAgents: collector(
    "giamsat_collector_connected_agents",
    "gauge",
    "Agents with an open WebSocket.",
  ),
  collectorInfo: collector(
    "giamsat_collector_info",
    "gauge",
    "The collector's own version; always 1. Agents older than it are flagged in the fleet view.",
  ),
  storeSize: collector("giamsat_collector_store_size_bytes", "gauge", "Size of the SQLite file."),
  filesystemAvail: collector(
    "giamsat_collector_filesystem_avail_bytes",
    "gauge",
    "Space the collector may still use on the filesystem holding its database.",
  ),
  failedWrites: collector(
    "giamsat_collector_failed_writes_total",
    "counter",
    "Batches the collector could not store (a full disk, an I/O error); each was refused with internal, and its agent sends it again.",
  ),
  scrapeDuration: collector(
    "giamsat_collector_scrape_duration_seconds",
    "gauge",
    "Time the previous /metrics response took to build and send.",
  ),
  series: collector("giamsat_collector_series", "gauge", "Agent series exposed on /metrics."),
  // Forwarding with Prometheus remote_write, labelled by endpoint name (collector/remote-write/).
  remoteWriteSent: collector(
    "giamsat_remote_write_samples_sent_total",
    "counter",
    "Samples the endpoint accepted (2xx).",
  ),
  remoteWriteFailed: collector(
    "giamsat_remote_write_samples_failed_total",
    "counter",
    "Samples the endpoint refused for good (4xx other than 429): logged and dropped, never retried.",
  ),
  remoteWriteRetried: collector(
    "giamsat_remote_write_samples_retried_total",
    "counter",
    "Samples of requests that failed with 5xx, 429, another retryable answer or a network error; sent again after a backoff.",
  ),
  remoteWriteDropped: collector(
    "giamsat_remote_write_samples_dropped_total",
    "counter",
    "Samples dropped unsent because the endpoint's queue was full, oldest first.",
  ),
  remoteWriteQueue: collector(
    "giamsat_remote_write_queue_samples",
    "gauge",
    "Samples stored and waiting to be sent to the endpoint.",
  ),
  remoteWriteLag: collector(
    "giamsat_remote_write_queue_lag_seconds",
    "gauge",
    "Now minus the timestamp of the oldest sample waiting for the endpoint; 0 when none waits.",
  ),
  // Notifications, labelled by channel name (collector/notifications/).
  notificationsSent: collector(
    "giamsat_notification_messages_sent_total",
    "counter",
    "Notification messages the channel's receiver accepted.",
  ),
  notificationsFailed: collector(
    "giamsat_notification_messages_failed_total",
    "counter",
    "Notification messages the receiver refused for good (an unknown recipient, a 4xx): logged, in the audit log, never sent again.",
  ),
  notificationsRetried: collector(
    "giamsat_notification_messages_retried_total",
    "counter",
    "Attempts to send a notification message that failed and will be retried after a backoff (network, 5xx, 429, SMTP 4xx).",
  ),
  notificationsDropped: collector(
    "giamsat_notification_messages_dropped_total",
    "counter",
    "Notification messages dropped unsent because the queue was full, oldest first.",
  ),
  notificationsQueued: collector(
    "giamsat_notification_queue_messages",
    "gauge",
    "Notification messages waiting to be sent through the channel (retrying, or held by quiet hours).",
  ),
  maintenanceSeconds: collector(
    "giamsat_collector_maintenance_seconds_total",
    "counter",
    "Time spent in background store work (rollups, compaction, retention, incidents), per task.",
  ),
  rollupLag: collector(
    "giamsat_collector_rollup_lag_seconds",
    "gauge",
    "How far behind the clock the most lagging unit's rollups are complete.",
  ),
  storeUpgrade: collector(
    "giamsat_collector_store_upgrade_progress_ratio",
    "gauge",
    "Share of an upgraded store's rollups moved into compressed chunks, estimated; 1 when none are left to move.",
  ),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

export const METRIC_BY_NAME: ReadonlyMap<string, MetricDef> = new Map(
  Object.values(METRICS).map((def) => [def.name, def]),
);

/**
 * True for a name of the collector's own series: its table entries, the series it makes from
 * check results, and anything under its prefixes. Only a forged message carries one.
 */
export function ownedByCollector(name: string): boolean {
  const def = METRIC_BY_NAME.get(name);
  if (def) return def.source === "collector" || def.fromResults === true;
  return COLLECTOR_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Why a check's extra metric may not have this name (the name is valid grammar); or undefined. */
export function extraMetricProblem(name: string): string | undefined {
  if (METRIC_BY_NAME.has(name)) return "is a built-in metric; choose another name";
  const prefix = COLLECTOR_PREFIXES.find((p) => name.startsWith(p));
  return prefix ? `begins with ${prefix}, kept for the collector's own metrics` : undefined;
}
