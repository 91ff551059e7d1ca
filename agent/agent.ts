// Puts the agent together: scheduler → outbox → link, plus the agent's own counters.

import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { arch, hostname, release, type } from "node:os";
import type { Logger } from "../shared/log.js";
import { METRICS } from "../shared/metrics.js";
import { openToOthers, sqliteFiles } from "../shared/private-file.js";
import type { Sample } from "../shared/protocol.js";
import { VERSION } from "../shared/version.js";
import type { AgentConfig } from "./config.js";
import { suggestGateway } from "./gateway.js";
import { Link } from "./link.js";
import { DROP_REASONS, type Entry, Outbox } from "./outbox/outbox.js";
import { PROBE_BY_KIND } from "./probes/index.js";
import { Scheduler } from "./scheduler.js";
import { agentTls, isPlainRemote } from "./tls.js";

/** The agent's own counters are reported at least this often... */
const SELF_INTERVAL_MS = 60_000;
/** ...and within this long of changing, so drops during an outage show up soon after it. */
const SELF_CHANGE_MS = 5000;

export interface RunningAgent {
  outbox: Outbox;
  link: Link;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return randomUUID();
  }
}

export function startAgent(config: AgentConfig, log: Logger): RunningAgent {
  // GIAMSAT_AGENT_TRACE=file appends every entry, once written to the outbox, as one JSON line:
  // an audit of what this agent produced, used by the delivery tests to count what must arrive.
  const trace = process.env.GIAMSAT_AGENT_TRACE;
  const outbox = new Outbox({
    path: config.buffer.path,
    maxBytes: config.buffer.maxMegabytes * 1024 * 1024,
    backfillPerSecond: config.buffer.backfillPerSecond,
    // Results wait for the link's linger (1 s) before they are sent anyway; the check runs of that
    // second share one outbox row, so one compression and one transaction instead of one per run.
    writeDelayMs: 1000,
    onWritten: trace ? (entry) => appendFileSync(trace, `${JSON.stringify(entry)}\n`) : undefined,
  });
  for (const { file, mode } of openToOthers(sqliteFiles(config.buffer.path))) {
    log.warn({ file, mode, hint: `chmod 600 ${file}` }, "file is open to other users");
  }
  const append = (entry: Entry) => outbox.append(entry);
  const scheduler = new Scheduler({
    checks: config.checks,
    probes: PROBE_BY_KIND,
    concurrency: config.concurrency,
    log: log.child({ component: "scheduler" }),
    sink: ({ result, samples, inventory }) => append({ results: [result], samples, inventory }),
  });
  let reported = { at: 0, dropped: -1, errors: -1 };
  function reportSelf(): void {
    const ts = Date.now();
    let errors = 0;
    for (const count of scheduler.errors.values()) errors += count;
    reported = { at: ts, dropped: outbox.droppedSamples, errors };
    const samples: Sample[] = DROP_REASONS.map((reason) => ({
      metric: METRICS.agentBufferDropped.name,
      labels: { reason },
      ts,
      value: outbox.dropped[reason],
    }));
    for (const [check, count] of scheduler.errors) {
      samples.push({ metric: METRICS.agentCheckErrors.name, labels: { check }, ts, value: count });
    }
    append({ results: [], samples, inventory: [] });
  }
  const link: Link = new Link({
    // Drops happen while the collector is away, so they are reported as soon as it is back.
    onConnected: () => reportSelf(),
    url: config.collector,
    token: config.token,
    tls: config.collector.startsWith("wss:")
      ? agentTls(
          config.tlsCa === undefined ? undefined : readFileSync(config.tlsCa, "utf8"),
          config.tlsPin ?? [],
        )
      : undefined,
    outbox,
    log: log.child({ component: "link" }),
    hello: {
      agentVersion: VERSION,
      hostname: hostname(),
      os: `${type()} ${release()} ${arch()}`,
      bootId: bootId(),
    },
  });

  const selfTimer = setInterval(() => {
    let errors = 0;
    for (const count of scheduler.errors.values()) errors += count;
    const changed = outbox.droppedSamples !== reported.dropped || errors !== reported.errors;
    if (changed || Date.now() - reported.at >= SELF_INTERVAL_MS) reportSelf();
  }, SELF_CHANGE_MS);

  link.start();
  scheduler.start();
  log.info({ collector: config.collector, checks: config.checks.length }, "agent started");
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

  return {
    outbox,
    link,
    scheduler,
    async stop() {
      clearInterval(selfTimer);
      await scheduler.stop();
      reportSelf(); // the counters as they stand at the end
      // Give what is waiting a moment to reach the collector before the connection closes.
      await link.drain(3000);
      await link.stop();
      outbox.close();
    },
  };
}
