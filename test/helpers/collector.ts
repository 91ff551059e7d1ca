// An in-process collector on a temporary SQLite file and a port chosen by the OS, for ingest tests.
import { join } from "node:path";
import Database from "better-sqlite3";
import WebSocket from "ws";
import { AgentStore } from "../../collector/agents/registry.js";
import { type RunningCollector, startCollector } from "../../collector/collector.js";
import { type Db, openDatabase } from "../../collector/db/database.js";
import { syncUnits } from "../../collector/inspection/units.js";
import { type CollectorConfig, collectorConfigSchema } from "../../shared/config/collector.js";
import { type Logger, silentLogger } from "../../shared/log.js";
import type { CollectorMessage } from "../../shared/protocol.js";
import { tempDir } from "./processes.js";

export interface TestCollector extends RunningCollector {
  config: CollectorConfig;
  dir: string;
  enroll(unit: string, name: string): string;
  /** Read-only view of the database, for counting what was stored. */
  query<T>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

export async function testCollector(
  overrides: Record<string, unknown> = {},
  options: {
    log?: Logger;
    /** Writes to the database before the collector starts, as if it had been running before. */
    seed?: (db: Db, agents: AgentStore) => void;
    /** The clock schedules run by (as GIAMSAT_TEST_SCHEDULE_AT sets it). */
    scheduleClock?: () => number;
  } = {},
): Promise<TestCollector> {
  const dir = tempDir();
  const config = collectorConfigSchema.parse({
    listen: "127.0.0.1:0",
    database: join(dir.path, "collector.db"),
    units: [
      { id: "unit-a", name: "Unit A", leader: { name: "Lê Văn Á" } },
      { id: "unit-b", name: "Unit B" },
    ],
    ...overrides,
  });
  const setup = openDatabase(config.database);
  syncUnits(setup, config.units, Date.now());
  const agents = new AgentStore(setup);
  options.seed?.(setup, agents);
  const running = await startCollector(
    config,
    options.log ?? silentLogger(),
    options.scheduleClock ? { scheduleClock: options.scheduleClock } : {},
  );
  const reader = new Database(config.database, { readonly: true });
  return {
    ...running,
    config,
    dir: dir.path,
    enroll: (unit, name) => agents.enroll(unit, name, Date.now()).token,
    query: <T>(sql: string, ...params: unknown[]) => reader.prepare(sql).all(...params) as T[],
    async stop() {
      await running.close();
      reader.close();
      setup.close();
      dir.remove();
    },
  };
}

/** A hand-driven agent connection that records every message and the close code. */
export class RawAgent {
  readonly messages: CollectorMessage[] = [];
  closeCode: number | undefined;
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string, token: string) {
    this.socket = new WebSocket(`${url.replace(/^http/, "ws")}/agent`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    this.socket.on("message", (data) => this.messages.push(JSON.parse(data.toString())));
    this.socket.on("error", () => {});
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("unexpected-response", (_req, res) =>
        reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    this.closed = new Promise((resolve) =>
      this.socket.once("close", (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Says hello, announcing `features` (e.g. "discovery"), and waits for the welcome. */
  async hello(features?: string[]): Promise<CollectorMessage> {
    await this.opened;
    this.send({
      type: "hello",
      v: 1,
      agentVersion: "test",
      hostname: "test-host",
      os: "test",
      bootId: "b",
      ...(features ? { features } : {}),
    });
    return this.next((m) => m.type === "welcome");
  }

  /** The first message (already received or still to come) that matches. */
  async next(match: (m: CollectorMessage) => boolean, timeoutMs = 5000): Promise<CollectorMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
  }

  close(): void {
    this.socket.close();
  }
}

export function batch(seq: number, ts: number, extra: Record<string, unknown> = {}) {
  return {
    type: "batch",
    v: 1,
    seq,
    sentAt: ts,
    results: [{ check: "gw", category: "lan", kind: "ping", ts, up: true, duration: 0.01 }],
    samples: [
      {
        metric: "giamsat_ping_rtt_seconds",
        labels: { check: "gw", category: "lan", kind: "ping" },
        ts,
        value: 0.002,
      },
    ],
    ...extra,
  };
}
