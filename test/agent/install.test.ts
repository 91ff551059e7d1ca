// `giamsat-agent install` and `uninstall` into a system in a folder (--root), run as people run them:
// enrolled there with a code from a running collector, or with a ready agent.yaml. What systemd would
// be given is checked with systemd's own tools (verify, and security rated at most 4.0).
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config.js";
import { EnrollmentCodes } from "../../collector/agents/enrollment-codes.js";
import { openDatabase } from "../../collector/db/database.js";
import { type TestCollector, testCollector } from "../helpers/collector.js";
import { documentedExposure } from "../helpers/exposure-docs.js";
import { peer } from "../helpers/peers.js";
import { AGENT_CLI, AGENT_NODE_FLAGS, ROOT, runCli, tempDir } from "../helpers/processes.js";
import { exposure, userDatabaseRoot, verify } from "../helpers/system-root.js";

const analyze = peer("systemd-analyze");
const UNIT = "etc/systemd/system/giamsat-agent.service";
let collector: TestCollector;

function newCode(uses = 1): string {
  const db = openDatabase(collector.config.database);
  try {
    return new EnrollmentCodes(db).create(
      "unit-a",
      { uses, lifetimeMs: 3_600_000, createdBy: "test" },
      Date.now(),
    ).code;
  } finally {
    db.close();
  }
}

function uidOf(root: string, user: string): number | undefined {
  const line = readFileSync(join(root, "etc/passwd"), "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  return line ? Number(line.split(":")[2]) : undefined;
}

beforeAll(async () => {
  collector = await testCollector();
});
afterAll(() => collector?.stop());

describe.skipIf(!analyze)("giamsat-agent install --root", () => {
  it("enrolls with a code and installs a hardened, enabled service; uninstall keeps the buffer unless --purge", async () => {
    const root = userDatabaseRoot();
    try {
      const url = `${collector.url.replace(/^http/, "ws")}/agent`;
      const install = await runCli(AGENT_CLI, [
        "install",
        "--collector",
        url,
        "--code",
        newCode(),
        "--root",
        root.path,
      ]);
      expect(install.stderr).toContain("wrote /etc/giamsat/agent.yaml (mode 0600, owner giamsat)");
      expect(install.stderr).toContain("systemd does not run here, so it starts at the next boot");
      expect(install.code).toBe(0);

      const uid = uidOf(root.path, "giamsat");
      expect(uid).toBeGreaterThan(0);
      const config = join(root.path, "etc/giamsat/agent.yaml");
      expect(statSync(config).mode & 0o777).toBe(0o600);
      expect(statSync(config).uid).toBe(uid);
      const state = join(root.path, "var/lib/giamsat");
      expect(statSync(state).mode & 0o777).toBe(0o700);
      expect(statSync(state).uid).toBe(uid);
      const loaded = loadAgentConfig(config);
      expect(loaded.buffer.path).toBe("/var/lib/giamsat/agent-buffer.db");
      expect(loaded.collector).toBe(url);
      expect(collector.query("SELECT name FROM agents WHERE unit_id = 'unit-a'")).toHaveLength(1);

      // The unit starts this Node with the agent's flags, as the giamsat user, CAP_NET_RAW only.
      const unit = readFileSync(join(root.path, UNIT), "utf8");
      const execStart = `ExecStart=${process.execPath} ${AGENT_NODE_FLAGS.join(" ")} ${join(ROOT, "dist/agent/launcher.js")} run --config /etc/giamsat/agent.yaml`;
      expect(unit.split("\n")).toEqual(
        expect.arrayContaining([
          execStart,
          "User=giamsat",
          "NoNewPrivileges=yes",
          "ProtectSystem=strict",
          "ProtectHome=yes",
          "PrivateTmp=yes",
          "StateDirectory=giamsat",
          "CapabilityBoundingSet=CAP_NET_RAW",
          "AmbientCapabilities=CAP_NET_RAW",
          "Restart=always",
          "ConditionPathExists=/etc/giamsat/agent.yaml",
        ]),
      );
      expect(unit).not.toContain("MemoryDenyWriteExecute");
      const wants = join(
        root.path,
        "etc/systemd/system/multi-user.target.wants/giamsat-agent.service",
      );
      expect(lstatSync(wants).isSymbolicLink()).toBe(true);
      expect(verify(join(root.path, UNIT))).toEqual({ status: 0, said: "" });
      const rated = exposure(root.path, "giamsat-agent.service");
      expect(rated.level, rated.text).toBeLessThanOrEqual(4.0);
      // The operators' install guide gives the figure systemd-analyze gives now.
      expect(documentedExposure("giamsat-agent.service")).toBe(rated.level);

      writeFileSync(join(state, "agent-buffer.db"), "kept");
      const uninstall = await runCli(AGENT_CLI, ["uninstall", "--root", root.path]);
      expect(uninstall.code).toBe(0);
      expect(uninstall.stderr).toContain("kept /var/lib/giamsat (--purge removes it)");
      expect(existsSync(join(root.path, UNIT))).toBe(false);
      expect(existsSync(wants)).toBe(false);
      expect(existsSync(config)).toBe(false);
      expect(readFileSync(join(state, "agent-buffer.db"), "utf8")).toBe("kept");

      const purge = await runCli(AGENT_CLI, ["uninstall", "--purge", "--root", root.path]);
      expect(purge.code).toBe(0);
      expect(existsSync(state)).toBe(false);
      expect(uidOf(root.path, "giamsat")).toBeUndefined();
    } finally {
      root.remove();
    }
  });

  it("installs a ready agent.yaml: its buffer moved to /var/lib/giamsat, its tlsCa copied beside it", async () => {
    const root = userDatabaseRoot();
    const work = tempDir();
    try {
      writeFileSync(
        join(work.path, "ca.pem"),
        readFileSync(join(ROOT, "test/fixtures/certificates/example-root-ca.pem"), "utf8"),
      );
      const file = join(work.path, "agent.yaml");
      writeFileSync(
        file,
        `# our agent\ncollector: "wss://giamsat.example.gov.vn:8443/agent"\ntoken: "gsat_0123456789abcdef0123"\ntlsCa: "./ca.pem"\nchecks: []\n`,
      );
      const install = await runCli(AGENT_CLI, ["install", "--config", file, "--root", root.path]);
      expect(install.code, install.stderr).toBe(0);
      const written = readFileSync(join(root.path, "etc/giamsat/agent.yaml"), "utf8");
      expect(written).toContain("# our agent");
      expect(written).toContain(`tlsCa: "/etc/giamsat/collector-ca.pem"`);
      expect(written).toContain("path: /var/lib/giamsat/agent-buffer.db");
      expect(readFileSync(join(root.path, "etc/giamsat/collector-ca.pem"), "utf8")).toContain(
        "BEGIN CERTIFICATE",
      );

      const mistake = join(work.path, "bad.yaml");
      writeFileSync(mistake, 'collector: "http://x/agent"\ntoken: "gsat_0123456789abcdef0123"\n');
      const refused = await runCli(AGENT_CLI, [
        "install",
        "--config",
        mistake,
        "--root",
        root.path,
      ]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain("collector: must be a ws:// or wss:// URL");
    } finally {
      root.remove();
      work.remove();
    }
  });

  it("refuses to enroll over an installed agent, and says what install needs", async () => {
    const root = userDatabaseRoot();
    try {
      const none = await runCli(AGENT_CLI, ["install", "--root", root.path]);
      expect(none.code).toBe(2);
      expect(none.stderr).toBe(
        "give --config agent.yaml, or --collector URL --code CODE (/etc/giamsat/agent.yaml does not exist yet)\n",
      );
      const half = await runCli(AGENT_CLI, ["install", "--code", newCode(), "--root", root.path]);
      expect(half.stderr).toContain("--collector and --code go together");
      const badCode = await runCli(AGENT_CLI, [
        "install",
        "--collector",
        "ws://127.0.0.1:1/agent",
        "--code",
        "1234",
        "--root",
        root.path,
      ]);
      expect(badCode.code).toBe(2);
      expect(badCode.stderr).toContain('--code: "1234" is not an enrollment code');
    } finally {
      root.remove();
    }
  });
});
