// The one table of metric names: what agents may send and what the collector exposes itself.
// Names follow https://prometheus.io/docs/practices/naming/ (base units, _total on counters).

export type MetricType = "gauge" | "counter";

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Who writes the series: agents (validated at ingest) or the collector itself. */
  readonly source: "agent" | "collector";
  /**
   * Of an agent's metric: the digits after the point (in the metric's unit) that its probe
   * measures. The collector stores values rounded to them; the rest is noise. Agents send values
   * as they measure them.
   */
  readonly decimals?: number;
}

// Digits after the point that probes measure (MetricDef.decimals), in the metric's base unit.
/** Whole numbers: counts, bytes, status codes, 0/1, seconds since the epoch. */
const WHOLE = 0;
/** Hundredths of a second: SNMP's sysUpTime and the kernel's uptime count them. */
const HUNDREDTHS = 2;
/** Ratios (CPU, loss): 0.01 % is finer than any of them is measured. */
const RATIO = 4;
/** 0.1 ms, for a check's duration timed by the agent: its timers and event loop add more jitter. */
const TENTH_OF_A_MILLISECOND = 4;
/** Microseconds: ping prints round trips in milliseconds with three decimals. */
const MICROSECONDS = 6;

function agent(name: string, type: MetricType, help: string, decimals: number): MetricDef {
  return { name, type, help, source: "agent", decimals };
}
function collector(name: string, type: MetricType, help: string): MetricDef {
  return { name, type, help, source: "collector" };
}

export const METRICS = {
  checkUp: agent(
    "giamsat_check_up",
    "gauge",
    "1 if the last run of the check succeeded, else 0.",
    WHOLE,
  ),
  checkDuration: agent(
    "giamsat_check_duration_seconds",
    "gauge",
    "How long the last run of the check took.",
    TENTH_OF_A_MILLISECOND,
  ),
  pingRtt: agent(
    "giamsat_ping_rtt_seconds",
    "gauge",
    "Average round-trip time of the last run.",
    MICROSECONDS,
  ),
  pingRttMin: agent(
    "giamsat_ping_rtt_min_seconds",
    "gauge",
    "Smallest round-trip time.",
    MICROSECONDS,
  ),
  pingRttMax: agent(
    "giamsat_ping_rtt_max_seconds",
    "gauge",
    "Largest round-trip time.",
    MICROSECONDS,
  ),
  pingJitter: agent(
    "giamsat_ping_jitter_seconds",
    "gauge",
    "Mean deviation of round-trip times (ping's mdev).",
    MICROSECONDS,
  ),
  pingLoss: agent("giamsat_ping_loss_ratio", "gauge", "Packet loss of the last run, 0..1.", RATIO),
  httpStatus: agent("giamsat_http_status_code", "gauge", "Last HTTP status code.", WHOLE),
  httpRedirects: agent(
    "giamsat_http_redirects",
    "gauge",
    "Redirects followed in the last run.",
    WHOLE,
  ),
  httpContentLength: agent(
    "giamsat_http_content_length_bytes",
    "gauge",
    "Size of the last response body.",
    WHOLE,
  ),
  tlsExpiry: agent(
    "giamsat_tls_certificate_expiry_timestamp_seconds",
    "gauge",
    "notAfter of the peer certificate, as a Unix timestamp.",
    WHOLE,
  ),
  // Not *_count: that suffix belongs to histograms and summaries, and promtool refuses it on a gauge.
  dnsAnswers: agent(
    "giamsat_dns_answer_records",
    "gauge",
    "Records in the answer of the last lookup.",
    WHOLE,
  ),
  processCount: agent(
    "giamsat_process_instances",
    "gauge",
    "Running processes matching the check.",
    WHOLE,
  ),
  processCpu: agent(
    "giamsat_process_cpu_usage_ratio",
    "gauge",
    "CPU used by the matching processes since the previous run; 1 is one core fully busy.",
    RATIO,
  ),
  processMemory: agent(
    "giamsat_process_resident_memory_bytes",
    "gauge",
    "Resident memory of the matching processes.",
    WHOLE,
  ),
  snmpUptime: agent("giamsat_snmp_uptime_seconds", "gauge", "sysUpTime of the device.", HUNDREDTHS),
  snmpInterfaceUp: agent(
    "giamsat_snmp_interface_up",
    "gauge",
    "1 if the interface's ifOperStatus is up, else 0.",
    WHOLE,
  ),
  snmpInterfaceSpeed: agent(
    "giamsat_snmp_interface_speed_bytes",
    "gauge",
    "Interface speed in bytes per second (ifHighSpeed or ifSpeed).",
    WHOLE,
  ),
  snmpInterfaceReceive: agent(
    "giamsat_snmp_interface_receive_bytes_total",
    "counter",
    "Octets received (ifHCInOctets, or ifInOctets when 64-bit counters are missing).",
    WHOLE,
  ),
  snmpInterfaceTransmit: agent(
    "giamsat_snmp_interface_transmit_bytes_total",
    "counter",
    "Octets sent (ifHCOutOctets, or ifOutOctets when 64-bit counters are missing).",
    WHOLE,
  ),
  snmpInterfaceReceiveErrors: agent(
    "giamsat_snmp_interface_receive_errors_total",
    "counter",
    "Inbound packets with errors (ifInErrors).",
    WHOLE,
  ),
  snmpInterfaceTransmitErrors: agent(
    "giamsat_snmp_interface_transmit_errors_total",
    "counter",
    "Outbound packets with errors (ifOutErrors).",
    WHOLE,
  ),
  hostCpu: agent("giamsat_host_cpu_usage_ratio", "gauge", "CPU busy share, 0..1.", RATIO),
  hostMemoryUsed: agent(
    "giamsat_host_memory_used_bytes",
    "gauge",
    "Memory in use (without caches).",
    WHOLE,
  ),
  hostMemoryTotal: agent("giamsat_host_memory_total_bytes", "gauge", "Installed memory.", WHOLE),
  hostFilesystemUsed: agent(
    "giamsat_host_filesystem_used_bytes",
    "gauge",
    "Used space per mount.",
    WHOLE,
  ),
  hostFilesystemSize: agent(
    "giamsat_host_filesystem_size_bytes",
    "gauge",
    "Size per mount.",
    WHOLE,
  ),
  hostUptime: agent("giamsat_host_uptime_seconds", "gauge", "Host uptime.", HUNDREDTHS),
  hostNetworkReceive: agent(
    "giamsat_host_network_receive_bytes_total",
    "counter",
    "Bytes received per network interface.",
    WHOLE,
  ),
  hostNetworkTransmit: agent(
    "giamsat_host_network_transmit_bytes_total",
    "counter",
    "Bytes sent per network interface.",
    WHOLE,
  ),
  agentBufferDropped: agent(
    "giamsat_agent_buffer_dropped_samples_total",
    "counter",
    "Samples the agent dropped unsent, by reason: full (its buffer was full), too_big (one entry larger than a batch), refused (the collector refused the batch as invalid), not_finite (the value was NaN or infinite).",
    WHOLE,
  ),
  agentCheckErrors: agent(
    "giamsat_agent_check_errors_total",
    "counter",
    "Check runs that failed with an internal error (a bug or bad config), per check.",
    WHOLE,
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
  unitInfo: collector("giamsat_unit_info", "gauge", "Unit metadata; always 1."),
  unitAvailability: collector(
    "giamsat_unit_availability_ratio",
    "gauge",
    "Share of observed time the unit's checks were up, per category and window.",
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
  storeSize: collector("giamsat_collector_store_size_bytes", "gauge", "Size of the SQLite file."),
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

/** Prometheus metric and label name grammar. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the collector sets itself; an agent cannot choose them. */
export const RESERVED_LABELS = ["unit", "agent"] as const;
