// The .deb as a unit's IT person meets it, on a real Debian: `npm run package` builds it; debootstrap
// makes a Debian 12 in this test's folder; the package is installed there with dpkg; the system is
// booted with its own systemd (systemd-nspawn -b, sharing this machine's network). Unconfigured,
// nothing starts; `giamsat-agent install --collector URL --code CODE` enrolls it with a collector on
// loopback, and systemd runs the unit's own ExecStart as the unit's user, which delivers data. With
// the collector stopped (so the agent holds its results in its buffer), the package is upgraded over
// the running agent: postinst restarts it on the new version, config and buffer are kept, and once
// the collector is back, everything the agent produced is stored (its trace against the export).
// Slow (a Debian download and a package build): .ci/run runs it once per CI run, not per Node.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import { BootedSystem, debootstrap, inChroot } from "../helpers/container.js";
import { freePort, producedSamples, storedSamples } from "../helpers/delivery.js";
import { peer } from "../helpers/peers.js";
import {
  attachCollector,
  COLLECTOR_CLI,
  type CollectorProcess,
  eventually,
  ROOT,
  runCli,
  tempDir,
} from "../helpers/processes.js";
import { exposure } from "../helpers/system-root.js";

const tools = [
  "debootstrap",
  "systemd-nspawn",
  "systemd-analyze",
  "dpkg-deb",
  "unshare",
  "nsenter",
];
const missing = tools.filter((tool) => !peer(tool));
const dir = tempDir("giamsat-deb-");
let system: BootedSystem | undefined;
let collector: CollectorProcess | undefined;

afterAll(async () => {
  await system?.stop();
  await collector?.program.stop();
  dir.remove();
}, 120_000);

/** The agent's journal in the booted system, which says why when something went wrong there. */
function agentJournal(): string {
  return (
    system?.exec(["journalctl", "-u", "giamsat-agent", "--no-pager", "-n", "120"], true).stdout ??
    ""
  );
}

function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  return eventually(probe, 90_000, what);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const ran = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 20 * 60_000,
  });
  if (ran.status !== 0) throw new Error(`${command} ${args.join(" ")}:\n${ran.stderr}`);
  return ran.stdout;
}

/** The same package as a newer version: its control file and the program's package.json. */
function newerVersion(deb: string, version: string): string {
  const tree = join(dir.path, "newer");
  run("dpkg-deb", ["--raw-extract", deb, tree]);
  const control = join(tree, "DEBIAN/control");
  writeFileSync(
    control,
    readFileSync(control, "utf8").replace(/^Version: .*$/m, `Version: ${version}`),
  );
  const pkgFile = join(tree, "opt/giamsat/lib/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string };
  writeFileSync(pkgFile, JSON.stringify({ ...pkg, version }, null, 2));
  const out = join(dir.path, `giamsat_${version}_amd64.deb`);
  run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, out]);
  return out;
}

describe.skipIf(missing.length > 0)("the Debian package on a booted Debian 12", () => {
  it(
    "installs, enrolls, runs under systemd as its user, and upgrades over a running agent without losing a sample",
    async () => {
      onTestFailed(() => {
        process.stderr.write(`the agent's journal:\n${agentJournal()}\n`);
      });
      const root = join(dir.path, "debian");
      // Everything this test downloads stays in its folder: the Debian root and npm's cache.
      const built = run("node", [join(ROOT, "dist/packaging/deb.js"), "--out", dir.path], {
        npm_config_cache: join(dir.path, "npm-cache"),
      });
      const deb = built.trim().split("\n").pop() as string;
      expect(deb).toMatch(/giamsat_0\.1\.0_amd64\.deb$/);
      const contents = run("dpkg-deb", ["--contents", deb]);
      expect(contents).toContain("./opt/giamsat/node/bin/node");
      expect(contents).toContain(
        "./opt/giamsat/lib/node_modules/better-sqlite3/build/Release/better_sqlite3.node",
      );
      expect(contents).not.toContain("node_modules/typescript");
      expect(contents).not.toContain("node_modules/vitest");
      expect(contents).not.toContain("dist/test/");

      debootstrap(root, ["systemd", "systemd-sysv", "procps", "iputils-ping"]);
      mkdirSync(join(root, "tmp"), { recursive: true });
      writeFileSync(join(root, "tmp/giamsat.deb"), readFileSync(deb));
      const installed = inChroot(root, ["dpkg", "-i", "/tmp/giamsat.deb"]);
      expect(installed.stdout).toContain("giamsat-agent install --collector URL --code CODE");

      // systemd's own checks of the package's units, in the system they are installed in.
      for (const unit of ["giamsat-agent.service", "giamsat-collector.service"]) {
        const verified = spawnSync(
          "systemd-analyze",
          ["verify", `--root=${root}`, "--no-pager", unit],
          { encoding: "utf8" },
        );
        expect(`${verified.stdout}${verified.stderr}`.trim(), unit).toBe("");
        const rated = exposure(root, unit);
        expect(rated.level, rated.text).toBeLessThanOrEqual(4.0);
      }
      // The agent records everything it produces, for the comparison at the end.
      const dropIn = join(root, "etc/systemd/system/giamsat-agent.service.d");
      mkdirSync(dropIn, { recursive: true });
      writeFileSync(
        join(dropIn, "trace.conf"),
        "[Service]\nEnvironment=GIAMSAT_AGENT_TRACE=/var/lib/giamsat/trace.ndjson\n",
      );

      const port = await freePort();
      const configFile = join(dir.path, "collector.yaml");
      writeFileSync(
        configFile,
        `listen: "127.0.0.1:${port}"\ndatabase: "./collector.db"\nunits:\n  - { id: so-tttt, name: "Sở TT&TT" }\n`,
      );
      collector = await attachCollector(dir.path, configFile);
      const code = await runCli(COLLECTOR_CLI, [
        "enroll-code",
        "--config",
        configFile,
        "--unit",
        "so-tttt",
      ]);
      expect(code.code).toBe(0);

      system = await BootedSystem.boot(root);
      // Installed but not configured: nothing runs, and nothing can be started by mistake.
      system.exec(["systemctl", "start", "giamsat-agent.service"]);
      expect(system.exec(["systemctl", "is-active", "giamsat-agent"], true).stdout.trim()).toBe(
        "inactive",
      );

      const url = `ws://127.0.0.1:${port}/agent`;
      const install = system.exec([
        "giamsat-agent",
        "install",
        "--collector",
        url,
        "--code",
        code.stdout.trim(),
      ]);
      expect(install.stderr).toContain("enabled and started giamsat-agent.service");
      const agentYaml = join(root, "etc/giamsat/agent.yaml");
      expect(statSync(agentYaml).mode & 0o777).toBe(0o600);
      // Enrollment already records the agent's version: wait for the service itself to connect.
      const agentName = await waitFor(
        () => collectorAgents(configFile).find((r) => r.agentVersion === "0.1.0")?.name,
        "the agent's enrollment",
      );
      await waitFor(
        () => (agentJournal().includes("connected to the collector") ? true : undefined),
        "the agent running and connected",
      );
      // A check every second, taken in by a reload (SIGHUP through the unit's ExecReload).
      writeFileSync(
        agentYaml,
        readFileSync(agentYaml, "utf8").replace(
          "checks: []",
          `checks:\n  - { name: collector-port, category: datacenter, kind: tcp, host: "127.0.0.1", port: ${port}, interval: "1s" }`,
        ),
      );
      const started = system.exec(["systemctl", "show", "giamsat-agent", "--property=MainPID"]);
      system.exec(["systemctl", "reload", "giamsat-agent"]);
      await waitFor(async () => {
        const stored = await storedSamples(configFile, agentName);
        return stored.some((s) => s.includes("check=collector-port")) ? true : undefined;
      }, "the reloaded check's samples");

      const shown = system.exec([
        "systemctl",
        "show",
        "giamsat-agent",
        "--property=MainPID,ExecStart,User,ActiveState",
      ]).stdout;
      expect(shown).toContain("ActiveState=active");
      expect(shown).toContain("User=giamsat");
      const mainPid = /MainPID=(\d+)/.exec(shown)?.[1];
      expect(started.stdout.trim()).toBe(`MainPID=${mainPid}`); // reloaded, not restarted
      const status = system.exec(["cat", `/proc/${mainPid}/status`]).stdout;
      const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
      expect(passwd).toContain(`giamsat:x:${uid}:`);
      expect(status).toMatch(/^CapEff:\s+0000000000002000$/m); // CAP_NET_RAW only
      const cmdline = system.exec(["cat", `/proc/${mainPid}/cmdline`]).stdout.split("\0");
      expect(cmdline.slice(0, 5)).toEqual([
        "/opt/giamsat/node/bin/node",
        "--max-semi-space-size=1",
        "--no-opt",
        "--single-threaded-gc",
        "/opt/giamsat/lib/dist/agent/cli.js",
      ]);

      await waitFor(
        async () => ((await storedSamples(configFile, agentName)).length > 20 ? true : undefined),
        "samples stored",
      );

      // The collector goes away: the agent keeps its results in its buffer.
      await collector.program.stop();
      await new Promise((r) => setTimeout(r, 4000));
      const configBefore = readFileSync(agentYaml, "utf8");
      const buffer = join(root, "var/lib/giamsat/agent-buffer.db");
      const bufferInode = statSync(buffer).ino;

      const newer = newerVersion(deb, "0.1.1");
      // Not /tmp: the booted system has a tmpfs of its own there, which this side does not see.
      writeFileSync(join(root, "var/tmp/giamsat-new.deb"), readFileSync(newer));
      system.exec(["dpkg", "-i", "/var/tmp/giamsat-new.deb"]);
      const after = system.exec([
        "systemctl",
        "show",
        "giamsat-agent",
        "--property=MainPID,ActiveState",
      ]).stdout;
      expect(after).toContain("ActiveState=active");
      expect(/MainPID=(\d+)/.exec(after)?.[1]).not.toBe(mainPid);
      expect(readFileSync(agentYaml, "utf8")).toBe(configBefore);
      expect(statSync(buffer).ino).toBe(bufferInode);
      await new Promise((r) => setTimeout(r, 3000));

      collector = await attachCollector(dir.path, configFile);
      await waitFor(
        () => collectorAgents(configFile).find((r) => r.agentVersion === "0.1.1"),
        "the upgraded agent's hello",
      );
      system.exec(["systemctl", "stop", "giamsat-agent"]);
      const trace = join(root, "var/lib/giamsat/trace.ndjson");
      await waitFor(async () => {
        const produced = producedSamples(trace);
        const stored = await storedSamples(configFile, agentName);
        return stored.length === produced.length ? true : undefined;
      }, "every produced sample stored");
      const produced = producedSamples(trace);
      expect(produced.length).toBeGreaterThan(40);
      expect(await storedSamples(configFile, agentName)).toEqual(produced);
    },
    40 * 60_000,
  );
});

/** The agents the collector knows, with the version each last said hello with. */
function collectorAgents(configFile: string): { name: string; agentVersion: string | null }[] {
  const db = new Database(join(configFile, "../collector.db"), { readonly: true });
  try {
    return db.prepare("SELECT name, agent_version AS agentVersion FROM agents").all() as {
      name: string;
      agentVersion: string | null;
    }[];
  } finally {
    db.close();
  }
}
