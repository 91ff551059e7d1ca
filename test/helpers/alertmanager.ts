// A real Alertmanager (Debian's prometheus-alertmanager) for tests: loopback ports, its own data
// folder, the cluster listener off, and a webhook receiver of its own pointing at a local
// endpoint that records what Alertmanager delivers. Stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { stringify } from "yaml";
import { eventually, tempDir } from "./processes.js";
import { freePort } from "./prometheus.js";

/** An alert as GET /api/v2/alerts lists it (gettableAlert). */
export interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  generatorURL?: string;
  status: { state: string };
}

/** What Alertmanager's webhook receiver posts (version 4). */
export interface AlertmanagerWebhook {
  version: string;
  status: "firing" | "resolved";
  alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
}

export class Alertmanager {
  readonly delivered: AlertmanagerWebhook[] = [];
  url = "";
  #child: ChildProcess | undefined;
  #hook: Server | undefined;
  #output = "";
  readonly #dir = tempDir("giamsat-alertmanager-");

  constructor(private readonly binary: string) {}

  async start(): Promise<void> {
    this.#hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        this.delivered.push(JSON.parse(Buffer.concat(chunks).toString()) as AlertmanagerWebhook);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.#hook?.listen(0, "127.0.0.1", resolve));
    const hookPort = (this.#hook.address() as { port: number }).port;
    const config = join(this.#dir.path, "alertmanager.yml");
    writeFileSync(
      config,
      stringify({
        route: {
          receiver: "hook",
          group_by: ["alertname", "unit"],
          group_wait: "1s",
          group_interval: "1s",
          repeat_interval: "1h",
        },
        receivers: [
          {
            name: "hook",
            webhook_configs: [{ url: `http://127.0.0.1:${hookPort}/alerts`, send_resolved: true }],
          },
        ],
      }),
    );
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.#child = spawn(
      this.binary,
      [
        `--config.file=${config}`,
        `--storage.path=${join(this.#dir.path, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // No cluster: an empty address turns gossip off, so nothing listens beyond the API.
        "--cluster.listen-address=",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const collect = (d: Buffer) => {
      this.#output += d.toString();
    };
    this.#child.stdout?.on("data", collect);
    this.#child.stderr?.on("data", collect);
    await eventually(
      async () => {
        if (this.#child?.exitCode !== null) throw new Error(`exited: ${this.#output}`);
        const ready = await fetch(`${this.url}/-/ready`).catch(() => undefined);
        return ready?.ok ? true : undefined;
      },
      20_000,
      `Alertmanager ready (${this.#output})`,
    );
  }

  async alerts(): Promise<GettableAlert[]> {
    return (await (await fetch(`${this.url}/api/v2/alerts`)).json()) as GettableAlert[];
  }

  output(): string {
    return this.#output;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child && child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    this.#hook?.closeAllConnections();
    await new Promise((resolve) => (this.#hook ? this.#hook.close(resolve) : resolve(undefined)));
    this.#dir.remove();
  }
}
