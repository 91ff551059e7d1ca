// agent.yaml's tlsCa and tlsPin, and the warning about plain ws:// to another machine.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config.js";
import { isPlainRemote } from "../../agent/tls.js";
import { ConfigError } from "../../shared/errors.js";
import { AGENT_CLI, runCli, startProgram, tempDir } from "../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

const TOKEN = 'token: "gsat_0123456789abcdef0123"\n';
const WSS = `collector: "wss://collector.example:8443/agent"\n${TOKEN}`;
const HEX =
  "3A:0F:6B:5E:1C:2D:3E:4F:50:61:72:83:94:A5:B6:C7:D8:E9:FA:0B:1C:2D:3E:4F:50:61:72:83:94:A5:B6:C7";
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function write(name: string, body: string): string {
  const file = join(dir.path, name);
  writeFileSync(file, body);
  return file;
}

function errorOf(body: string): string {
  const file = write("agent.yaml", body);
  try {
    loadAgentConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.replaceAll(file, "agent.yaml");
  }
  throw new Error("config was accepted");
}

describe("tlsPin and tlsCa", () => {
  it("takes a pin as hex with or without colons, or as base64, and keeps it as hex", () => {
    const hex = HEX.replace(/:/g, "").toLowerCase();
    const base64 = Buffer.from(hex, "hex").toString("base64");
    for (const [written, kept] of [
      [HEX, hex],
      [hex.toUpperCase(), hex],
      [`sha256 Fingerprint=${HEX}`, hex],
      [base64, hex],
      [base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=$/, ""), hex],
    ]) {
      const config = loadAgentConfig(write("pin.yaml", `${WSS}tlsPin: "${written}"\n`));
      expect(config.tlsPin).toEqual([kept]);
    }
    const two = loadAgentConfig(write("pins.yaml", `${WSS}tlsPin: ["${HEX}", "${base64}"]\n`));
    expect(two.tlsPin).toEqual([hex, hex]);
  });

  it("resolves tlsCa from the config's folder", () => {
    write("ca.pem", CA_PEM);
    const config = loadAgentConfig(write("ca.yaml", `${WSS}tlsCa: "./ca.pem"\n`));
    expect(config.tlsCa).toBe(join(dir.path, "ca.pem"));
  });

  it.each([
    [
      'tlsPin: "abc"\n',
      "agent.yaml: tlsPin: must be a SHA-256 fingerprint: 64 hex digits (colons allowed) or 44 base64 characters",
    ],
    [`tlsPin: "${HEX.slice(3)}"\n`, "agent.yaml: tlsPin: must be a SHA-256 fingerprint"],
    [
      'tlsCa: "./missing.pem"\n',
      `agent.yaml: tlsCa: cannot read "${join(dir.path, "missing.pem")}" (no such file)`,
    ],
    ['tlsCa: "./agent.yaml"\n', 'agent.yaml: tlsCa: "agent.yaml" holds no PEM certificate'],
  ])("refuses %j", (line, message) => {
    expect(errorOf(`${WSS}${line}`)).toMatch(new RegExp(`^${escapeRegExp(message)}`));
  });

  it("refuses tlsCa and tlsPin for a ws:// collector, where they would do nothing", () => {
    write("ca.pem", CA_PEM);
    expect(
      errorOf(
        `collector: "ws://127.0.0.1:8080/agent"\n${TOKEN}tlsCa: "./ca.pem"\ntlsPin: "${HEX}"\n`,
      ),
    ).toBe(
      "agent.yaml: tlsCa: applies only to a wss:// collector URL\nagent.yaml: tlsPin: applies only to a wss:// collector URL",
    );
  });

  it("giamsat-agent check exits 2 for a bad pin", async () => {
    const file = write("bad-pin.yaml", `${WSS}tlsPin: "not a pin"\n`);
    const result = await runCli(AGENT_CLI, ["check", "--config", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tlsPin: must be a SHA-256 fingerprint/);
  });
});

describe("plain ws://", () => {
  it("is only a problem beyond this machine", () => {
    expect(isPlainRemote("ws://collector.example/agent")).toBe(true);
    expect(isPlainRemote("ws://10.1.2.3:8080/agent")).toBe(true);
    expect(isPlainRemote("ws://127.0.0.1:8080/agent")).toBe(false);
    expect(isPlainRemote("ws://[::1]:8080/agent")).toBe(false);
    expect(isPlainRemote("ws://localhost:8080/agent")).toBe(false);
    expect(isPlainRemote("wss://collector.example/agent")).toBe(false);
  });

  it("is warned about at every start of the agent", async () => {
    // 0.0.0.0 is not loopback by name, yet connecting to it stays on this machine.
    const file = write(
      "plain.yaml",
      `collector: "ws://0.0.0.0:9/agent"\n${TOKEN}buffer: { path: "./plain.db" }\nhost: false\n`,
    );
    for (let start = 0; start < 2; start++) {
      const agent = startProgram(AGENT_CLI, ["run", "--config", file]);
      try {
        const line = await agent.waitForLog(
          (l) => l.level === "warn" && /plain ws:/.test(String(l.msg)),
        );
        expect(line.msg).toBe(
          "plain ws:// to another machine: the token and every result travel unencrypted; use wss://",
        );
      } finally {
        await agent.stop();
      }
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
