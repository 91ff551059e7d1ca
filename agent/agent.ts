// Puts the agent together: scheduler → outbox → link, the agent's own counters, the local status
// socket, and reloading agent.yaml (SIGHUP) without a restart.
import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { arch, hostname, release, type } from "node:os";
import { dirname, resolve } from "node:path";
import { thisPlatform } from "../shared/agent-package.js";
import { errorMessage } from "../shared/errors.js";
import type { Logger } from "../shared/log.js";
import { openToOthers, sqliteFiles } from "../shared/private-file.js";
import {
  AGENT_FEATURES,
  type ConfigMessage,
  type ConfigResult,
  type Hello,
  PROTOCOL_VERSION,
} from "../shared/protocol.js";
import { VERSION } from "../shared/version.js";
import {
  type CentralSet,
  centralChecksFile,
  lastGoodCentral,
  parseCentralChecks,
  saveCentralChecks,
  withCentral,
} from "./central-checks.js";
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
import { Installer } from "./upgrade/installer.js";
import { VERSIONS_ENV } from "./upgrade/versions.js";

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
  /** Stops the agent and ends the process with this code (an upgrade installed). */
  exit?: (code: number) => void;
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return randomUUID();
  }
}

/** When this process started, ms since the epoch. */
const PROCESS_STARTED = Math.round(Date.now() - process.uptime() * 1000);

/** What the agent says of itself in its hello, with its checks' display titles. */
export function agentHello(config: AgentConfig): Omit<Hello, "type" | "v"> {
  return {
    agentVersion: VERSION,
    node: process.version,
    startedAt: PROCESS_STARTED,
    hostname: hostname(),
    os: `${type()} ${release()} ${arch()}`,
    bootId: bootId(),
    features: [...AGENT_FEATURES],
    platform: thisPlatform(),
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
  /** agent.yaml as last loaded; `config` is it with the central checks after its own. */
  let local = initial;
  const centralFile = centralChecksFile(initial.buffer.path);
  const folder = dirname(resolve(options.file));
  let central = lastGoodCentral(centralFile, initial, folder, log);
  let config = withCentral(local, central);
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
    // Drops happen while the collector is away, so they are reported as soon as it is back; so is
    // the discovery report that may have been lost meanwhile.
    onConnected: () => {
      self.report();
      discovery.resend();
      installer.welcomed();
    },
    onUpgrade: (offer) => void installer.offered(offer),
    onConfig: (message) => {
      applying = applying.then(() => takeCentral(message));
    },
    ...collectorAddress(config),
    outbox,
    log: log.child({ component: "link" }),
    hello: agentHello(config),
    onDiscover: (request) => discovery.start(request),
  });
  const discovery = new DiscoveryRunner(
    (report) => link.send(report),
    log.child({ component: "discovery" }),
  );
  const self = new SelfReport(outbox, errors, append);
  const installer = new Installer({
    versionsPath: process.env[VERSIONS_ENV],
    running: VERSION,
    settings: () => local.upgrades,
    address: () => collectorAddress(config),
    report: (status) => link.send({ type: "upgrade_status", ...status }),
    log: log.child({ component: "upgrade" }),
    exit: (code) => options.exit?.(code),
  });
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
      const source = centralNames.has(name) ? ("central" as const) : ("local" as const);
      if (!state) return { name, kind, category, source };
      const { last, since } = state;
      const { up, reason, message, ts: at } = last;
      return {
        name,
        kind,
        category,
        source,
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

  /** Runs `next` (agent.yaml with the central checks) in place of `config`. */
  const apply = async (next: AgentConfig, what: string) => {
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
    log.info({ checks: next.checks.length, changed }, `${what} reloaded`);
    adviseOnStart(next, log);
  };
  let applying = Promise.resolve();
  const centralNames = new Set<string>();
  const remember = (set: CentralSet | undefined) => {
    centralNames.clear();
    for (const check of set?.checks ?? []) centralNames.add(check.name);
  };
  remember(central);
  const answer = (result: Omit<ConfigResult, "type" | "v">) =>
    link.send({ type: "config_result", v: PROTOCOL_VERSION, ...result });
  /** The collector's checks: applied and kept as the last good set, or refused with the reasons. */
  const takeCentral = async (message: ConfigMessage) => {
    const { hash } = message;
    if (central?.hash === hash) {
      answer({ hash, state: "applied" });
      return;
    }
    const parsed = parseCentralChecks(hash, message.checks, local.checks, folder);
    if ("errors" in parsed) {
      log.error(
        { hash, errors: parsed.errors },
        "central checks refused; the agent goes on with the checks it ran (errors say why)",
      );
      answer({ hash, state: "refused", errors: parsed.errors });
      return;
    }
    try {
      await apply(withCentral(local, parsed.set), "central checks");
      central = parsed.set;
      remember(central);
      saveCentralChecks(centralFile, parsed.set);
      answer({ hash, state: "applied" });
    } catch (error) {
      log.error({ hash, err: errorMessage(error) }, "central checks could not be applied");
      answer({ hash, state: "refused", errors: [errorMessage(error)] });
    }
  };

  link.start();
  scheduler.start();
  log.info({ collector: config.collector, checks: config.checks.length }, "agent started");
  adviseOnStart(config, log);

  return {
    outbox,
    link,
    reload(next) {
      const run = applying.then(async () => {
        const clash = next.checks.find((check) => centralNames.has(check.name));
        if (clash) {
          throw new Error(
            `check "${clash.name}" of agent.yaml is also a central check sent by the collector; rename it`,
          );
        }
        await apply(withCentral(next, central), "agent.yaml");
        local = next;
      });
      applying = run.catch(() => undefined);
      return run;
    },
    async stop() {
      await applying;
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
