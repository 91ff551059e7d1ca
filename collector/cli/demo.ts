// `npm start`: a collector on 127.0.0.1:8080 with its files under ./data/, and an agent enrolled
// into a demo unit checking this machine, started as its own process. Ctrl-C stops both.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { untilSignal } from "../../shared/cli.js";
import { createLogger } from "../../shared/log.js";
import { AgentStore } from "../agents/registry.js";
import { startCollector } from "../collector.js";
import { loadCollectorConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { syncUnits } from "../inspection/units.js";
import { agentYaml } from "./enrollment.js";

const UNIT = "demo";
const AGENT = "demo-agent";

async function main(): Promise<void> {
  const dataDir = resolve("data");
  mkdirSync(dataDir, { recursive: true });
  const port = process.env.GIAMSAT_DEMO_PORT ?? "8080";
  const configFile = resolve(dataDir, "collector.yaml");
  if (!existsSync(configFile)) {
    writeFileSync(
      configFile,
      `# Written by \`npm start\`; edit freely, it is kept between runs.
listen: "127.0.0.1:${port}"
database: "./collector.db"
web: { auth: false }   # logins off: allowed only because the collector listens on loopback
reports: { place: "Đà Nẵng", authority: "UBND thành phố Đà Nẵng" }   # how printed reports present themselves
units:
  - id: ${UNIT}
    name: "Đơn vị thử nghiệm (demo)"
    kind: department
    leader: { name: "Nguyễn Văn An", title: "Phó Giám đốc" }
    contact: { name: "Trần Thị Bình", phone: "0236 3 000 000", email: "it@example.gov.vn" }
`,
    );
  }
  const config = loadCollectorConfig(configFile);
  const log = createLogger("giamsat-demo");

  // A fresh token for the demo agent at every start: revoke the old one, enroll again.
  const db = openDatabase(config.database);
  syncUnits(db, config.units, Date.now());
  const agents = new AgentStore(db);
  agents.revoke(UNIT, AGENT, Date.now());
  const { token } = agents.enroll(UNIT, AGENT, Date.now());
  db.close();

  const collector = await startCollector(config, log);
  const agentFile = resolve(dataDir, "agent.yaml");
  const wsUrl = `${collector.url.replace(/^http/, "ws")}/agent`;
  // One check per inspection category, all against this machine, so every column has data; each
  // with the title leaders read.
  const { hostname: host, port: collectorPort } = new URL(collector.url);
  const checks = `checks:
  - { name: loopback, title: "Mạng nội bộ của máy này", category: lan, kind: ping, host: "127.0.0.1", count: 3, interval: "10s" }
  - { name: collector-port, title: "Cổng dịch vụ của bộ thu", category: online_app, kind: tcp, host: "${host}", port: ${collectorPort}, interval: "10s" }
  - { name: collector-process, title: "Chương trình bộ thu", category: shared_software, kind: process, match: "collector/cli/demo.js", interval: "30s" }
  - { name: collector-health, title: "Trang kiểm tra của bộ thu", category: website, kind: http, url: "${collector.url}/healthz", contains: "ok", interval: "10s" }
  - { name: datacenter-link, title: "Đường truyền về Trung tâm", category: datacenter, kind: tcp, host: "${host}", port: ${collectorPort}, interval: "10s" }
`;
  writeFileSync(
    agentFile,
    agentYaml(wsUrl, token, { checks })
      .replace(/interval: "30s"/, 'interval: "10s"')
      .replace("./data/agent-buffer.db", "./agent-buffer.db"),
    { mode: 0o600 },
  );

  const agentCli = fileURLToPath(new URL("../../agent/cli.js", import.meta.url));
  // The same V8 flags as the agent's own command line (its shebang, where they are explained).
  const agent = spawn(
    process.execPath,
    [
      "--max-semi-space-size=1",
      "--no-opt",
      "--single-threaded-gc",
      agentCli,
      "run",
      "--config",
      agentFile,
    ],
    {
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const agentExit = new Promise<void>((done) => agent.once("exit", () => done()));

  process.stdout.write(`
giamsat demo is running.
  overview:  ${collector.url}/
  metrics:   ${collector.url}/metrics
  health:    ${collector.url}/healthz
  files:     ${dataDir} (collector.yaml, collector.db, agent.yaml)
${
  config.web.auth
    ? "  logins:    on; add a user with `npm run collector -- user add --config data/collector.yaml ...`"
    : "  logins:    OFF (web.auth: false): anyone on this machine sees everything; allowed only\n             because the collector listens on loopback"
}
The agent checks this machine every 10 s, one check per inspection category;
its first data reaches /metrics within seconds.
Press Ctrl-C to stop.

`);
  const stopped = await Promise.race([untilSignal(), agentExit.then(() => "agent-exit" as const)]);
  if (stopped === "agent-exit") log.error("the demo agent stopped unexpectedly");
  agent.kill("SIGTERM");
  await agentExit;
  await collector.close();
  process.stdout.write("giamsat demo stopped.\n");
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
