// Puts the agent together: scheduler → outbox → link, plus the agent's own counters.

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { arch, hostname, release, type } from "node:os";
import type { Logger } from "../shared/log.js";
import { METRICS } from "../shared/metrics.js";
import type { Sample } from "../shared/protocol.js";
import { VERSION } from "../shared/version.js";
import type { AgentConfig } from "./config.js";
import { suggestGateway } from "./gateway.js";
import { Link } from "./link.js";
import { MemoryOutbox } from "./memory-outbox.js";
import type { Outbox } from "./outbox.js";
import { PROBE_BY_KIND } from "./probes/index.js";
import { Scheduler } from "./scheduler.js";

const SELF_INTERVAL_MS = 60_000;
/** Rough size of one queued sample in memory, to turn buffer.maxMegabytes into a count. */
const BYTES_PER_QUEUED_SAMPLE = 300;

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
  const outbox: Outbox = new MemoryOutbox(
    Math.floor((config.buffer.maxMegabytes * 1_000_000) / BYTES_PER_QUEUED_SAMPLE),
  );
  const scheduler = new Scheduler({
    checks: config.checks,
    probes: PROBE_BY_KIND,
    concurrency: config.concurrency,
    log: log.child({ component: "scheduler" }),
    sink: ({ result, samples, inventory }) =>
      outbox.append({ results: [result], samples, inventory }),
  });
  const link = new Link({
    url: config.collector,
    token: config.token,
    outbox,
    log: log.child({ component: "link" }),
    hello: {
      agentVersion: VERSION,
      hostname: hostname(),
      os: `${type()} ${release()} ${arch()}`,
      bootId: bootId(),
    },
  });

  const reportSelf = () => {
    const ts = Date.now();
    const samples: Sample[] = [
      { metric: METRICS.agentBufferDropped.name, labels: {}, ts, value: outbox.droppedSamples },
    ];
    for (const [check, count] of scheduler.errors) {
      samples.push({ metric: METRICS.agentCheckErrors.name, labels: { check }, ts, value: count });
    }
    outbox.append({ results: [], samples, inventory: [] });
  };
  const selfTimer = setInterval(reportSelf, SELF_INTERVAL_MS);

  link.start();
  scheduler.start();
  log.info({ collector: config.collector, checks: config.checks.length }, "agent started");
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
      // Give what is waiting a moment to reach the collector before the connection closes.
      await link.drain(3000);
      await link.stop();
      outbox.close();
    },
  };
}
