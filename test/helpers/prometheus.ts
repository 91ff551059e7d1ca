// A real Prometheus (and promtool) for tests: started on a free loopback port with a temporary
// config and data folder, queried through its HTTP API, stopped by PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { stringify } from "yaml";
import { eventually, tempDir } from "./processes.js";

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PrometheusServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Temporary folder holding prometheus.yml and the TSDB; removed by stop(). */
  dir: string;
  /** What Prometheus logged so far, for failure messages. */
  output(): string;
  /** GET /api/v1/<path>; returns `data`, throws with Prometheus's error otherwise. */
  api<T>(path: string, params?: Record<string, string | string[]>): Promise<T>;
  /** Instant query at the current time; a scalar result comes back as one sample without labels. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** The path of the prometheus binary (from peer("prometheus")). */
  binary: string;
  /** prometheus.yml as text, or as an object written out as YAML. */
  config: string | Record<string, unknown>;
  /** Extra flags, e.g. "--web.enable-remote-write-receiver". */
  args?: string[];
}

/** A TCP port free on 127.0.0.1 right now (Prometheus cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const dir = tempDir("giamsat-prometheus-");
  const configFile = join(dir.path, "prometheus.yml");
  writeFileSync(
    configFile,
    typeof options.config === "string" ? options.config : stringify(options.config),
  );
  // Another process may take the port between freePort() and Prometheus binding it: try again.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = "";
    const child = spawn(
      options.binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir.path, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...(options.args ?? []),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child.stdout?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    let failure: string | undefined;
    try {
      const state = await eventually(
        async () => {
          if (gone) return "exited";
          const response = await fetch(`${url}/-/ready`);
          return response.status === 200 ? "ready" : undefined;
        },
        30_000,
        "Prometheus ready",
      );
      if (state === "exited") failure = "it exited";
    } catch (error) {
      failure = String(error);
    }
    if (failure === undefined) return server(url, dir, () => log, child, exited);
    await stopChild(child, exited);
    if (attempt < 3 && /address already in use/.test(log)) continue;
    dir.remove();
    throw new Error(`Prometheus did not start: ${failure}\n${log}`);
  }
}

function server(
  url: string,
  dir: { path: string; remove(): void },
  output: () => string,
  child: ChildProcess,
  exited: Promise<number | null>,
): PrometheusServer {
  async function api<T>(path: string, params: Record<string, string | string[]> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const one of Array.isArray(value) ? value : [value]) search.append(key, one);
    }
    const response = await fetch(`${url}/api/v1/${path}?${search}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") {
      throw new Error(`Prometheus ${path} failed: ${body.error ?? response.status}`);
    }
    return body.data;
  }
  return {
    url,
    dir: dir.path,
    output,
    api,
    async query(expr) {
      const data = await api<{ resultType: string; result: unknown }>("query", { query: expr });
      if (data.resultType === "scalar") {
        const [, value] = data.result as [number, string];
        return [{ metric: {}, value: Number(value) }];
      }
      if (data.resultType !== "vector") {
        throw new Error(`expected an instant vector from ${expr}, got a ${data.resultType}`);
      }
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(
        (s) => ({ metric: s.metric, value: Number(s.value[1]) }),
      );
    },
    async stop() {
      await stopChild(child, exited);
      dir.remove();
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    process.kill(child.pid, "SIGTERM");
  }
  await exited;
}

/** Runs promtool; `input` goes to its standard input (e.g. for `check metrics`). */
export function promtool(
  binary: string,
  args: string[],
  input?: string,
): { status: number | null; output: string } {
  const result = spawnSync(binary, args, { input, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
