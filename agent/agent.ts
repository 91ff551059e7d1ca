// Puts the agent together: scheduler → outbox → link, the agent's own counters, the local status
// socket, and reloading agent.yaml (SIGHUP) without a restart.
import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { arch, hostname, release, type } from "node:os";
import { resolve } from "node:path";
import type { Logger } from "../shared/log.js";
import { openToOthers, sqliteFiles } from "../shared/private-file.js";
import { AGENT_FEATURES, type Hello } from "../shared/protocol.js";
import { VERSION } from "../shared/version.js";
import { CheckStates } from "./check-states.js";
import type { CollectorAddress } from "./collector-socket.js";
import type { AgentConfig } from "./config.js";
import { DiscoveryRunner } from "./discovery/runner.js";
import { suggestGateway } from "./gateway.js";
import { Link } from "./link.js";
import { type Entry, Outbox } from "./outbox/outbox.js";
import { PROBE_BY_KIND } from "./probes/index.js";
import { Scheduler } from "./scheduler.js";
import { SelfReport } from "./self-report.js";
import { statusEndpoint } from "./status/endpoint.js";
import type { AgentStatus } from "./status/report.js";
import { type StatusServer, serveStatus } from "./status/server.js";
import { agentTls, isPlainRemote } from "./tls.js";

export interface RunningAgent {
  outbox: Outbox;
  link: Link;
  /** Applies a new agent.yaml (already validated): checks, collector, token, TLS. */
  reload(config: AgentConfig): Promise<void>;
  stop(): Promise<void>;
}

export interface AgentOptions {
  /** agent.yaml's path, shown by status. */
  file: string;
  /** The last line logged at error level, for status. */
  lastError?: () => AgentStatus["lastError"];
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return randomUUID();
  }
}

/** What the agent says of itself in its hello, with its checks' display titles. */
export function agentHello(config: AgentConfig): Omit<Hello, "type" | "v"> {
  return {
    agentVersion: VERSION,
    hostname: hostname(),
    os: `${type()} ${release()} ${arch()}`,
    bootId: bootId(),
    features: [...AGENT_FEATURES],
    titles: Object.fromEntries(
      config.checks.flatMap((check) => (check.title ? [[check.name, check.title]] : [])),
    ),
  };
}

/** Where and how agent.yaml says to reach the collector. */
export function collectorAddress(config: AgentConfig): CollectorAddress {
  const ca = config.tlsCa === undefined ? undefined : readFileSync(config.tlsCa, "utf8");
  return {
    url: config.collector,
    token: config.token,
    tlsCa: config.tlsCa,
    tls: config.collector.startsWith("wss:") ? agentTls(ca, config.tlsPin ?? []) : undefined,
  };
}

function adviseOnStart(config: AgentConfig, log: Logger): void {
  if (isPlainRemote(config.collector)) {
    log.warn(
      { collector: config.collector },
      "plain ws:// to another machine: the token and every result travel unencrypted; use wss://",
    );
  }
  void suggestGateway(config.checks).then((suggestion) => {
    if (suggestion) {
      log.info(
        { gateway: suggestion.gateway, suggestion: suggestion.line },
        "no check watches the LAN (category lan); consider pinging the default gateway",
      );
    }
  });
}

export async function startAgent(
  initial: AgentConfig,
  log: Logger,
  options: AgentOptions,
): Promise<RunningAgent> {
  let config = initial;
  const startedAt = Date.now();
  // GIAMSAT_AGENT_TRACE=file appends every entry, once written to the outbox, as one JSON line:
  // an audit of what this agent produced, used by the delivery tests to count what must arrive.
  const trace = process.env.GIAMSAT_AGENT_TRACE;
  const outbox = new Outbox({
    path: config.buffer.path,
    maxBytes: config.buffer.maxMegabytes * 1024 * 1024,
    memoryBytes: config.buffer.memoryMegabytes * 1024 * 1024,
    backfillPerSecond: config.buffer.backfillPerSecond,
    // Results wait for the link's linger (1 s) before they are sent anyway; the check runs of that
    // second share one outbox row, so one compression and one transaction instead of one per run.
    writeDelayMs: 1000,
    log: log.child({ component: "buffer" }),
    onWritten: trace ? (entry) => appendFileSync(trace, `${JSON.stringify(entry)}\n`) : undefined,
    onDropped: trace
      ? (entry, reason) =>
          appendFileSync(trace, `${JSON.stringify({ ...entry, dropped: reason })}\n`)
      : undefined,
  });
  for (const { file, mode } of openToOthers(sqliteFiles(config.buffer.path))) {
    log.warn({ file, mode, hint: `chmod 600 ${file}` }, "file is open to other users");
  }
  const append = (entry: Entry) => outbox.append(entry);
  const states = new CheckStates(log.child({ component: "checks" }));
  const errors = new Map<string, number>();
  const link: Link = new Link({
    // Drops happen while the collector is away, so they are reported as soon as it is back.
    onConnected: () => self.report(),
    ...collectorAddress(config),
    outbox,
    log: log.child({ component: "link" }),
    hello: agentHello(config),
    onDiscover: (request) => discovery.start(request),
  });
  const discovery = new DiscoveryRunner(
    (report) => link.report(report),
    log.child({ component: "discovery" }),
  );
  const self = new SelfReport(outbox, errors, append);
  const schedulerFor = (current: AgentConfig) =>
    new Scheduler({
      checks: current.checks,
      probes: PROBE_BY_KIND,
      concurrency: current.concurrency,
      log: log.child({ component: "scheduler" }),
      errors,
      sink: ({ result, samples, inventory }) => {
        states.record(result);
        // A revoked agent's results would never be accepted: they are not kept (the link said so).
        if (!link.revoked) append({ results: [result], samples, inventory });
      },
    });
  let scheduler = schedulerFor(config);

  const snapshot = (): AgentStatus => ({
    version: VERSION,
    pid: process.pid,
    startedAt,
    config: resolve(options.file),
    link: link.status,
    buffer: {
      file: config.buffer.path,
      waitingSamples: outbox.size,
      bytes: outbox.bytes,
      heldInMemorySamples: outbox.health.heldInMemorySamples,
      disk: outbox.health.disk,
      dropped: { ...outbox.dropped },
      corruptFiles: outbox.corruptFiles,
      corruption: outbox.health.corruption,
    },
    checks: config.checks.map(({ name, kind, category }) => {
      const state = states.get(name);
      if (!state) return { name, kind, category };
      const { last, since } = state;
      const { up, reason, message, ts: at } = last;
      return {
        name,
        kind,
        category,
        last: { up, reason, message, at, durationMs: Math.round(last.duration * 1000), since },
      };
    }),
    lastError: options.lastError?.(),
  });
  const status: StatusServer = await serveStatus(
    statusEndpoint(config.buffer.path),
    snapshot,
    log.child({ component: "status" }),
  );

  link.start();
  scheduler.start();
  log.info({ collector: config.collector, checks: config.checks.length }, "agent started");
  adviseOnStart(config, log);

  return {
    outbox,
    link,
    async reload(next) {
      const changed: string[] = [];
      if (JSON.stringify(next.buffer) !== JSON.stringify(config.buffer)) {
        log.warn(
          { buffer: config.buffer.path },
          "agent.yaml reloaded, but buffer settings take effect only at the next start",
        );
      }
      const address = (c: AgentConfig) => JSON.stringify([c.collector, c.token, c.tlsCa, c.tlsPin]);
      const titles = (c: AgentConfig) => JSON.stringify(agentHello(c).titles);
      // The titles travel with the hello, so new ones are said by connecting again.
      if (address(next) !== address(config) || titles(next) !== titles(config)) {
        link.reconfigure(collectorAddress(next), agentHello(next));
        if (address(next) !== address(config)) changed.push("collector");
        if (titles(next) !== titles(config)) changed.push("titles");
      }
      if (
        JSON.stringify([next.checks, next.concurrency]) !==
        JSON.stringify([config.checks, config.concurrency])
      ) {
        await scheduler.stop();
        states.keepOnly(new Set(next.checks.map((check) => check.name)));
        scheduler = schedulerFor(next);
        scheduler.start();
        changed.push("checks");
      }
      config = { ...next, buffer: config.buffer };
      log.info({ checks: next.checks.length, changed }, "agent.yaml reloaded");
      adviseOnStart(next, log);
    },
    async stop() {
      self.stop();
      await discovery.stop();
      await scheduler.stop();
      self.report(); // the counters as they stand at the end
      // Give what is waiting a moment to reach the collector before the connection closes.
      await link.drain(3000);
      await link.stop();
      outbox.close();
      await status.close();
    },
  };
}
