// Upgrades served by the collector, with real processes: a collector serving packages built from
// this checkout (another version in their package.json), and agents started by the launcher under a
// restart-on-exit loop (what systemd's Restart=always does). A newer package replaces a running
// agent without losing a sample; a broken one is rolled back; a wrongly signed one is refused.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../shared/version.js";
import { producedSamples, storedSamples } from "../helpers/delivery.js";
import { find, parseExposition } from "../helpers/metrics.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  startCollectorProcess,
  startProgram,
  tempDir,
} from "../helpers/processes.js";
import {
  buildPackage,
  packageFileName,
  packageKey,
  RestartLoop,
  signPackage,
} from "../helpers/upgrade.js";

interface FleetRow {
  unit: string;
  agent: string;
  version: string | null;
  connected: boolean;
  upgrade: {
    target: string | null;
    version: string | null;
    state: string | null;
    reason: string | null;
  };
  flags: string[];
}
interface Fleet {
  agents: FleetRow[];
  packages: { file: string; version: string; valid: boolean; problem?: string }[];
}

const dir = tempDir("giamsat-upgrade-");
const packages = join(dir.path, "packages");
let collector: CollectorProcess;
let cityKey: { privateFile: string; publicBase64: string };
let otherKey: { privateFile: string; publicBase64: string };
const loops = new Map<string, RestartLoop>();

const UNITS = `units:
  - { id: unit-a }
  - { id: unit-b }
  - { id: unit-c }
  - { id: unit-d }
`;

function upgradesYaml(target: string): string {
  return `${UNITS}upgrades:
  folder: ./packages
  publicKey: "${cityKey.publicBase64}"
  ${target}
  units: { unit-b: "0.3.0", unit-c: "0.4.0" }
web: { auth: false }
`;
}

async function fleet(): Promise<Fleet> {
  return (await (await fetch(`${collector.url}/api/v1/fleet`)).json()) as Fleet;
}

async function row(agent: string): Promise<FleetRow | undefined> {
  return (await fleet()).agents.find((r) => r.agent === agent);
}

async function startAgent(
  unit: string,
  name: string,
  publicKey: string | undefined,
): Promise<RestartLoop> {
  const token = await collector.enroll(unit, name);
  // Each agent has a data folder of its own, as on its own machine: the versions folder is in it.
  mkdirSync(join(dir.path, name));
  const file = join(dir.path, `${name}.yaml`);
  writeFileSync(
    file,
    `collector: "${collector.url.replace(/^http/, "ws")}/agent"
token: "${token}"
buffer: { path: "./${name}/buffer.db" }
host: { interval: "1s" }
${publicKey === undefined ? "" : `upgrades: { publicKey: "${publicKey}" }\n`}`,
  );
  const loop = new RestartLoop(["run", "--config", file], {
    GIAMSAT_AGENT_TRACE: join(dir.path, `${name}.trace`),
  });
  loops.set(name, loop);
  return loop;
}

beforeAll(async () => {
  mkdirSync(packages);
  cityKey = await packageKey(dir.path, "city-key");
  otherKey = await packageKey(dir.path, "other-key");
  await signPackage(buildPackage(packages, "0.2.0"), cityKey.privateFile);
  await signPackage(buildPackage(packages, "0.3.0", { broken: true }), cityKey.privateFile);
  // Signed, but with a key that is not the city's.
  await signPackage(buildPackage(packages, "0.4.0"), otherKey.privateFile);
  // No city target yet: the first test sets it while its agent runs.
  collector = await startCollectorProcess(dir.path, upgradesYaml(""));
}, 60_000);

afterAll(async () => {
  await Promise.all([...loops.values()].map((loop) => loop.stop()));
  await collector?.program.stop();
  dir.remove();
});

describe("upgrades served by the collector", () => {
  it("replaces a running agent with the newer package, same data, no sample lost", async () => {
    const loop = await startAgent("unit-a", "pc-a", cityKey.publicBase64);
    // It runs this version and its data reaches the collector; then the city's target is set.
    const before = await eventually(async () => {
      const stored = await storedSamples(collector.configFile, "pc-a");
      return stored.length > 30 ? stored : undefined;
    });
    expect((await row("pc-a"))?.upgrade).toMatchObject({ target: null, state: null });
    const yaml = readFileSync(collector.configFile, "utf8");
    writeFileSync(
      collector.configFile,
      yaml.replace(upgradesYaml(""), upgradesYaml('target: "0.2.0"')),
    );
    expect(readFileSync(collector.configFile, "utf8")).toContain('target: "0.2.0"');
    process.kill(collector.program.child.pid as number, "SIGHUP");
    const confirmed = await eventually(
      async () => {
        const found = await row("pc-a");
        return found?.upgrade.state === "confirmed" && found.connected ? found : undefined;
      },
      60_000,
      "the upgrade confirmed",
    );
    expect(confirmed.version).toBe("0.2.0");
    expect(confirmed.upgrade).toMatchObject({ target: "0.2.0", version: "0.2.0", reason: null });
    expect(confirmed.flags).toEqual([]);
    // The launcher was started once more: the old agent exited with 75 to be restarted into 0.2.0.
    expect(loop.exitCodes).toEqual([75]);
    expect(existsSync(join(dir.path, "pc-a/versions/0.2.0/dist/agent/cli.js"))).toBe(true);
    expect(readFileSync(join(dir.path, "pc-a/versions/current"), "utf8").trim()).toBe("0.2.0");

    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    const info = find(parseExposition(metrics), "giamsat_agent_info", { agent: "pc-a" });
    expect(info.map((s) => s.labels.version)).toEqual(["0.2.0"]);

    // The new version goes on producing, into the same buffer; then everything must be stored.
    const trace = join(dir.path, "pc-a.trace");
    const atSwitch = producedSamples(trace).length;
    await eventually(() => (producedSamples(trace).length > atSwitch + 20 ? true : undefined));
    await loop.stop();
    expect(loop.exitCodes.at(-1)).toBe(0);
    const produced = producedSamples(trace);
    expect(produced.length).toBeGreaterThan(atSwitch);
    expect(produced).toEqual(expect.arrayContaining(before));
    expect(await storedSamples(collector.configFile, "pc-a")).toEqual(produced);

    const db = new Database(join(dir.path, "collector.db"), { readonly: true });
    const steps = db
      .prepare(
        "SELECT actor, json_extract(detail, '$.state') AS state FROM audit WHERE action = 'upgrade' AND target = 'pc-a' ORDER BY id",
      )
      .all() as { actor: string; state: string }[];
    db.close();
    expect(steps.map((s) => s.state)).toEqual([
      "offered",
      "downloading",
      "verified",
      "installing",
      "restarted",
      "confirmed",
    ]);
    expect(new Set(steps.map((s) => s.actor))).toEqual(new Set(["agent:pc-a"]));
  }, 120_000);

  it("rolls back a package whose agent exits at start, and says so in the fleet view", async () => {
    const loop = await startAgent("unit-b", "pc-b", cityKey.publicBase64);
    const rolledBack = await eventually(
      async () => {
        const found = await row("pc-b");
        return found?.upgrade.state === "rolled_back" && found.connected ? found : undefined;
      },
      60_000,
      "the rollback reported",
    );
    expect(rolledBack.version).toBe(VERSION);
    expect(rolledBack.upgrade.version).toBe("0.3.0");
    expect(rolledBack.upgrade.reason).toMatch(/^0\.3\.0 exited 3 times before connecting/);
    expect(rolledBack.flags).toEqual(["upgrade_failed"]);
    // 75 into the broken version, which exited with 1 three times; the base agent runs again.
    expect(loop.exitCodes).toEqual([75, 1, 1, 1]);
    expect(loop.output()).toContain("this build is broken");
    const page = await (await fetch(`${collector.url}/fleet?lang=en`)).text();
    const from = page.indexOf('data-agent="pc-b"');
    expect(page.slice(from, page.indexOf("</tr>", from))).toContain("0.3.0: rolled back");
  }, 120_000);

  it("does not offer a package signed with another key, and lists it as invalid", async () => {
    await startAgent("unit-c", "pc-c", cityKey.publicBase64);
    const found = await eventually(async () => {
      const r = await row("pc-c");
      // Connected and its hello recorded (the row is connected from the WebSocket's opening).
      return r?.connected && r.version !== null ? r : undefined;
    });
    const { packages: listed } = await fleet();
    expect(listed.map((p) => [p.version, p.valid])).toEqual([
      ["0.2.0", true],
      ["0.3.0", true],
      ["0.4.0", false],
    ]);
    expect(listed[2]?.problem).toBe(
      `${packageFileName("0.4.0")}.sig is not a signature of the city's key (upgrades.publicKey) for this file`,
    );
    expect(found.version).toBe(VERSION);
    expect(found.upgrade).toMatchObject({ target: "0.4.0", state: null });
    const page = await (await fetch(`${collector.url}/fleet?lang=en`)).text();
    expect(page).toContain("invalid: giamsat-agent-0.4.0");
  });

  it("is refused by an agent whose key did not sign it, which goes on running", async () => {
    const loop = await startAgent("unit-d", "pc-d", otherKey.publicBase64);
    const refused = await eventually(
      async () => {
        const r = await row("pc-d");
        return r?.upgrade.state === "refused" ? r : undefined;
      },
      60_000,
      "the refusal reported",
    );
    expect(refused.upgrade.reason).toBe(
      "its signature is not one of the city's key (upgrades.publicKey)",
    );
    expect(refused.flags).toEqual(["upgrade_failed"]);
    expect(refused.version).toBe(VERSION);
    expect(loop.exitCodes).toEqual([]);
    expect(existsSync(join(dir.path, "pc-d/versions/0.2.0.partial"))).toBe(false);
  }, 90_000);

  it("is refused by an agent started without its launcher, which alone can switch versions", async () => {
    const token = await collector.enroll("unit-a", "pc-f");
    const file = join(dir.path, "pc-f.yaml");
    writeFileSync(
      file,
      `collector: "${collector.url.replace(/^http/, "ws")}/agent"\ntoken: "${token}"\nbuffer: { path: "./pc-f-buffer.db" }\nhost: false\nupgrades: { publicKey: "${cityKey.publicBase64}" }\n`,
    );
    const agent = startProgram(AGENT_CLI, ["run", "--config", file]);
    try {
      const refused = await eventually(async () => {
        const r = await row("pc-f");
        return r?.upgrade.state === "refused" ? r : undefined;
      });
      expect(refused.upgrade.reason).toBe(
        "the agent was not started by its launcher, which alone can switch versions",
      );
      expect(refused.connected).toBe(true);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  });

  it("is refused by an agent without the city's public key, and the fleet view says why", async () => {
    const loop = await startAgent("unit-a", "pc-e", undefined);
    const refused = await eventually(async () => {
      const r = await row("pc-e");
      return r?.upgrade.state === "refused" ? r : undefined;
    });
    expect(refused.upgrade.reason).toBe(
      "agent.yaml has no upgrades.publicKey (the city's public key); no package can be checked",
    );
    expect(refused.version).toBe(VERSION);
    expect(loop.exitCodes).toEqual([]);
    const page = await (await fetch(`${collector.url}/fleet?lang=en`)).text();
    const from = page.indexOf('data-agent="pc-e"');
    expect(page.slice(from, page.indexOf("</tr>", from))).toContain("upgrade failed");
  });
});
