// A made-up but plausible agent with a check of every probe kind, sent over the real protocol, so
// every metric the dashboards and rules read is on /metrics even before every probe exists.
// Some targets are in trouble on purpose (a 503, a lossy link, a full disk, an expiring
// certificate) so the "problems" panels and the alerts have something to show.

import type { Category } from "../../shared/categories.js";
import { METRICS } from "../../shared/metrics.js";
import type { Reason } from "../../shared/protocol.js";

interface SyntheticSample {
  metric: string;
  labels?: Record<string, string>;
  value: number;
}

interface SyntheticCheck {
  check: string;
  category: Category;
  kind: string;
  up: boolean;
  reason?: Reason;
  duration: number;
  /** Samples of run number `round` (counters grow with it), at `now` ms. */
  samples(round: number, now: number): SyntheticSample[];
}

const GiB = 2 ** 30;
const DAY = 86_400;

function ping(rtt: number, loss: number): SyntheticCheck["samples"] {
  return (round) => {
    const wobble = 1 + 0.1 * Math.sin(round);
    return [
      { metric: METRICS.pingRtt.name, value: rtt * wobble },
      { metric: METRICS.pingRttMin.name, value: rtt * 0.7 },
      { metric: METRICS.pingRttMax.name, value: rtt * 1.6 * wobble },
      { metric: METRICS.pingJitter.name, value: rtt * 0.15 },
      { metric: METRICS.pingLoss.name, value: loss },
    ];
  };
}

function snmpInterface(name: string, up: boolean, round: number): SyntheticSample[] {
  const labels = { interface: name };
  // A 1 Gbit/s port moving ~100 Mbit/s in and ~40 Mbit/s out while up.
  const rx = up ? 4e9 + round * 12.5e6 : 4e9;
  const tx = up ? 1e9 + round * 5e6 : 1e9;
  return [
    { metric: METRICS.snmpInterfaceUp.name, labels, value: up ? 1 : 0 },
    { metric: METRICS.snmpInterfaceSpeed.name, labels, value: 125e6 },
    { metric: METRICS.snmpInterfaceReceive.name, labels, value: rx },
    { metric: METRICS.snmpInterfaceTransmit.name, labels, value: tx },
    { metric: METRICS.snmpInterfaceReceiveErrors.name, labels, value: 3 + Math.floor(round / 5) },
    { metric: METRICS.snmpInterfaceTransmitErrors.name, labels, value: 0 },
  ];
}

function http(status: number, redirects: number, bytes: number): SyntheticCheck["samples"] {
  return () => [
    { metric: METRICS.httpStatus.name, value: status },
    { metric: METRICS.httpRedirects.name, value: redirects },
    { metric: METRICS.httpContentLength.name, value: bytes },
  ];
}

const started = Date.now();

export const SYNTHETIC_CHECKS: readonly SyntheticCheck[] = [
  {
    check: "gateway",
    category: "lan",
    kind: "ping",
    up: true,
    duration: 0.81,
    samples: ping(0.0012, 0),
  },
  // The printer is switched off: no reply at all.
  {
    check: "printer",
    category: "lan",
    kind: "ping",
    up: false,
    reason: "unreachable",
    duration: 2.01,
    samples: () => [{ metric: METRICS.pingLoss.name, value: 1 }],
  },
  // The link to the data center loses 8% of packets: the loss alert goes pending.
  {
    check: "dc-link",
    category: "datacenter",
    kind: "ping",
    up: true,
    duration: 0.83,
    samples: ping(0.0085, 0.08),
  },
  {
    check: "core-sw",
    category: "lan",
    kind: "snmp",
    up: true,
    duration: 0.042,
    samples: (round, now) => [
      { metric: METRICS.snmpUptime.name, value: 40 * DAY + (now - started) / 1000 },
      ...snmpInterface("Gi0/1", true, round),
      ...snmpInterface("Gi0/2", false, round),
    ],
  },
  // The office printer's toner is nearly out: the supplies panel and the summary have it to show.
  {
    check: "office-printer",
    category: "equipment",
    kind: "printer",
    up: true,
    duration: 0.061,
    samples: (round) => [
      { metric: METRICS.printerDeviceStatus.name, value: 3 },
      { metric: METRICS.printerStatus.name, value: 3 },
      {
        metric: METRICS.printerSupplyLevel.name,
        labels: { supply: "Black Toner Cartridge", index: "1.1" },
        value: 0.08,
      },
      {
        metric: METRICS.printerSupplyLevel.name,
        labels: { supply: "Imaging Drum", index: "1.2" },
        value: 0.64,
      },
      { metric: METRICS.printerPages.name, labels: { marker: "1.1" }, value: 120_000 + round * 3 },
    ],
  },
  // The server room's UPS runs on battery: the mains are out.
  {
    check: "server-room-ups",
    category: "equipment",
    kind: "ups",
    up: true,
    duration: 0.038,
    samples: (round) => [
      { metric: METRICS.upsOnBattery.name, value: 1 },
      { metric: METRICS.upsOutputSource.name, value: 5 },
      { metric: METRICS.upsBatteryStatus.name, value: 2 },
      { metric: METRICS.upsBatteryCharge.name, value: Math.max(0.2, 0.95 - round * 0.01) },
      { metric: METRICS.upsBatteryRuntime.name, value: 2400 },
      { metric: METRICS.upsOnBatterySeconds.name, value: 60 + round * 15 },
    ],
  },
  {
    check: "portal",
    category: "website",
    kind: "http",
    up: true,
    duration: 0.214,
    samples: http(200, 1, 48_213),
  },
  {
    check: "portal-tls",
    category: "website",
    kind: "tls",
    up: true,
    duration: 0.031,
    // Ten days left: inside the 14-day warning.
    samples: () => [
      { metric: METRICS.tlsExpiry.name, value: Math.floor(started / 1000) + 10 * DAY },
    ],
  },
  // The one-stop service portal answers 503: a check down, an open problem.
  {
    check: "egov",
    category: "online_app",
    kind: "http",
    up: false,
    reason: "status",
    duration: 0.097,
    samples: http(503, 0, 512),
  },
  {
    check: "resolver",
    category: "online_app",
    kind: "dns",
    up: true,
    duration: 0.004,
    samples: () => [{ metric: METRICS.dnsAnswers.name, value: 2 }],
  },
  {
    check: "mail",
    category: "shared_software",
    kind: "tcp",
    up: true,
    duration: 0.006,
    samples: () => [],
  },
  {
    check: "docsys",
    category: "shared_software",
    kind: "process",
    up: true,
    duration: 0.12,
    samples: (round) => [
      { metric: METRICS.processCount.name, value: 4 },
      { metric: METRICS.processCpu.name, value: 0.12 + 0.02 * Math.sin(round) },
      { metric: METRICS.processMemory.name, value: 512 * 2 ** 20 },
    ],
  },
  {
    check: "host",
    category: "equipment",
    kind: "host",
    up: true,
    duration: 0.35,
    samples: (round, now) => {
      const root = { mount: "/", fstype: "ext4" };
      const data = { mount: "/data", fstype: "xfs" };
      const nic = { interface: "eth0" };
      return [
        { metric: METRICS.hostCpu.name, value: 0.35 + 0.1 * Math.sin(round) },
        { metric: METRICS.hostMemoryUsed.name, value: 6 * GiB },
        { metric: METRICS.hostMemoryTotal.name, value: 16 * GiB },
        { metric: METRICS.hostUptime.name, value: 12 * DAY + (now - started) / 1000 },
        // "/" is 93% full: the filesystem alert goes pending.
        { metric: METRICS.hostFilesystemUsed.name, labels: root, value: 93 * GiB },
        { metric: METRICS.hostFilesystemSize.name, labels: root, value: 100 * GiB },
        { metric: METRICS.hostFilesystemUsed.name, labels: data, value: 400 * GiB },
        { metric: METRICS.hostFilesystemSize.name, labels: data, value: 1000 * GiB },
        { metric: METRICS.hostNetworkReceive.name, labels: nic, value: 7e9 + round * 1.2e6 },
        { metric: METRICS.hostNetworkTransmit.name, labels: nic, value: 2e9 + round * 3e5 },
      ];
    },
  },
];

/** The agent's own counters, which carry no check labels (see agent/agent.ts). */
function agentSamples(): SyntheticSample[] {
  return [
    { metric: METRICS.agentBufferDropped.name, labels: {}, value: 0 },
    { metric: METRICS.agentBufferCorruptFiles.name, labels: {}, value: 0 },
    { metric: METRICS.agentBufferSamples.name, labels: {}, value: 0 },
    { metric: METRICS.agentCheckErrors.name, labels: { check: "docsys" }, value: 0 },
  ];
}

/** One `batch` message with a run of every synthetic check at `ts`. */
export function syntheticBatch(seq: number, ts: number, round = seq) {
  const results = SYNTHETIC_CHECKS.map((c) => ({
    check: c.check,
    category: c.category,
    kind: c.kind,
    ts,
    up: c.up,
    ...(c.reason ? { reason: c.reason } : {}),
    duration: c.duration,
  }));
  const samples = [
    ...SYNTHETIC_CHECKS.flatMap((c) =>
      c.samples(round, ts).map((s) => ({
        metric: s.metric,
        labels: { check: c.check, category: c.category, kind: c.kind, ...s.labels },
        ts,
        value: s.value,
      })),
    ),
    ...agentSamples().map((s) => ({
      metric: s.metric,
      labels: s.labels ?? {},
      ts,
      value: s.value,
    })),
  ];
  return { type: "batch", v: 1, seq, sentAt: ts, results, samples };
}

/** Agent metric names the synthetic agent sends (check_up and duration come from results). */
export function syntheticMetricNames(): Set<string> {
  const names = new Set(syntheticBatch(1, Date.now()).samples.map((s) => s.metric));
  names.add(METRICS.checkUp.name);
  names.add(METRICS.checkDuration.name);
  return names;
}

export const SYNTHETIC_KINDS = [...new Set(SYNTHETIC_CHECKS.map((c) => c.kind))];
