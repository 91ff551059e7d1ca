// A real single-node VictoriaMetrics for tests: started on a loopback port with a temporary data
// folder, stopped and started again on the same port and data (a receiver outage), stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { eventually, tempDir } from "./processes.js";
import { freePort } from "./prometheus.js";

/** One series from /api/v1/export: raw samples, exact values and timestamps. */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface VictoriaMetrics {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Its -storageDataPath: data/ holds the samples, indexdb/ the series index. */
  dataPath: string;
  /** Where remote_write requests go. */
  writeUrl: string;
  /** Every raw sample of the series `match` selects (a series selector such as {unit="a"}). */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Stops the process (SIGTERM by PID) and keeps the data folder. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data. */
  resume(): Promise<void>;
  output(): string;
  /** The running process's id, e.g. to read its CPU time. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export async function startVictoriaMetrics(binary: string): Promise<VictoriaMetrics> {
  const dir = tempDir("giamsat-vm-");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();

  async function launch(): Promise<void> {
    const started = spawn(
      binary,
      [
        `-storageDataPath=${join(dir.path, "data")}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        // Test data may be up to a few days old; the default month is plenty, this says so.
        "-retentionPeriod=1y",
        "-loggerLevel=WARN",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    started.stdout?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    started.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    exited = new Promise((resolve) => started.once("exit", resolve));
    await eventually(
      async () => {
        if (started.exitCode !== null) throw new Error(`VictoriaMetrics exited:\n${log}`);
        const response = await fetch(`${url}/health`);
        return response.status === 200 ? true : undefined;
      },
      30_000,
      "VictoriaMetrics ready",
    );
  }

  async function halt(): Promise<void> {
    const running = child;
    child = undefined;
    if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) {
      process.kill(running.pid, "SIGTERM");
    }
    await exited;
  }

  await launch();
  return {
    url,
    dataPath: join(dir.path, "data"),
    writeUrl: `${url}/api/v1/write`,
    async exportSeries(match) {
      // Freshly written rows sit in memory for up to a second; this makes them searchable now.
      await fetch(`${url}/internal/force_flush`);
      const response = await fetch(
        `${url}/api/v1/export?${new URLSearchParams({ "match[]": match, start: "0" })}`,
      );
      if (response.status !== 200) {
        throw new Error(`export failed: ${response.status} ${await response.text()}`);
      }
      return (await response.text())
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
    pause: halt,
    resume: launch,
    output: () => log,
    pid: () => child?.pid,
    async stop() {
      await halt();
      dir.remove();
    },
  };
}
