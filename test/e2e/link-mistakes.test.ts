// `giamsat-agent check` tests the link to the collector as `run` would use it, against real collector
// processes (plain and TLS): each common mistake in agent.yaml gets its exit code and the sentence that
// names the likely cause and the field to change (the sentence the agent's code gives for that
// mistake); --offline leaves the link out. `run` logs the same sentence.
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LinkProblem, linkAdvice } from "../../agent/link-advice.js";
import { createCa, daysFromNow, selfSigned, type TestCa } from "../helpers/certificates.js";
import { tableRow } from "../helpers/checks.js";
import { freePort } from "../helpers/delivery.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  runCli,
  startCollectorProcess,
  startProgram,
  TWO_UNITS,
  tempDir,
} from "../helpers/processes.js";

const openssl = peer("openssl");
const dir = tempDir("giamsat-link-");
let plain: CollectorProcess;
let tls: CollectorProcess;
let selfSignedCollector: CollectorProcess;
let ca: TestCa;
let wrongCa: TestCa;

/** agent.yaml with no checks but the link: `collector`, `token` and the TLS lines given. */
function config(name: string, url: string, token: string, extra = ""): string {
  const file = join(dir.path, `${name}.yaml`);
  writeFileSync(
    file,
    `collector: "${url}"\ntoken: "${token}"\n${extra}buffer: { path: "./${name}.db" }\nhost: false\n`,
  );
  return file;
}

const wsUrl = (collector: CollectorProcess, path = "/agent") =>
  `${collector.url.replace(/^http/, "ws")}${path}`;

async function check(file: string, offline = false) {
  const result = await runCli(AGENT_CLI, [
    "check",
    ...(offline ? ["--offline"] : []),
    "--config",
    file,
  ]);
  return { ...result, link: tableRow(result.stdout, "(collector)") };
}

describe.skipIf(!openssl)("the link in giamsat-agent check", () => {
  beforeAll(async () => {
    ca = createCa(openssl as string, join(dir.path, "ca"));
    wrongCa = createCa(openssl as string, join(dir.path, "wrong-ca"), "some other CA");
    const server = ca.issue({ notAfter: daysFromNow(90) });
    const tlsDir = join(dir.path, "tls");
    const self = selfSigned(openssl as string, join(dir.path, "self"), {
      notAfter: daysFromNow(90),
    });
    plain = await startCollectorProcess(join(dir.path), TWO_UNITS);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(tlsDir);
    copyFileSync(server.certPath, join(tlsDir, "server.pem"));
    copyFileSync(server.keyPath, join(tlsDir, "server.key"));
    tls = await startCollectorProcess(
      tlsDir,
      `tls: { cert: "./server.pem", key: "./server.key" }\n${TWO_UNITS}`,
    );
    const selfDir = join(dir.path, "self-collector");
    mkdirSync(selfDir);
    selfSignedCollector = await startCollectorProcess(
      selfDir,
      `tls: { cert: "${self.certPath}", key: "${self.keyPath}" }\n${TWO_UNITS}`,
    );
  });

  afterAll(async () => {
    for (const collector of [plain, tls, selfSignedCollector]) await collector?.program.stop();
    dir.remove();
  });

  it("is up with the unit and agent the collector knows, and exit 0", async () => {
    const token = await plain.enroll("so-tttt", "good");
    const result = await check(config("good", wsUrl(plain), token));
    expect(result.code).toBe(0);
    expect(result.link).toMatchObject({
      KIND: "link",
      STATUS: "up",
      VALUES: "unit=so-tttt agent=good tls=none",
    });
    expect(result.stdout).toMatch(/0 checks, 0 down; the link to the collector is up/);
  });

  it("over TLS with the right CA and pin, says so", async () => {
    const token = await tls.enroll("so-tttt", "good-tls");
    const { X509Certificate } = await import("node:crypto");
    const pin = new X509Certificate(ca.certPem).fingerprint256;
    const result = await check(
      config("good-tls", wsUrl(tls), token, `tlsCa: "${ca.certPath}"\ntlsPin: "${pin}"\n`),
    );
    expect(result.code, result.stdout).toBe(0);
    expect(result.link?.VALUES).toBe("unit=so-tttt agent=good-tls tls=verified, pin matches");
  });

  it("--offline leaves the link out", async () => {
    const file = config(
      "offline",
      `ws://127.0.0.1:${await freePort()}/agent`,
      "gsat_not-a-real-token-at-all",
    );
    const result = await check(file, true);
    expect(result.code).toBe(0);
    expect(result.link).toBeUndefined();
    expect(result.stdout).toMatch(/0 checks, 0 down\n/);
  });

  /** Each mistake: the agent.yaml that makes it, and what the agent must call it. */
  const mistakes: [
    string,
    LinkProblem,
    () => Promise<{ url: string; token: string; extra?: string; tlsCa?: string }>,
  ][] = [
    [
      "a port where nothing listens",
      "refused",
      async () => ({
        url: `ws://127.0.0.1:${await freePort()}/agent`,
        token: await plain.enroll("so-tttt", "refused"),
      }),
    ],
    [
      "ws:// against the TLS port",
      "plain_to_tls",
      async () => ({
        url: wsUrl(tls).replace("wss:", "ws:"),
        token: await tls.enroll("so-tttt", "plain-to-tls"),
      }),
    ],
    [
      "wss:// against a plain port",
      "tls_to_plain",
      async () => ({
        url: wsUrl(plain).replace("ws:", "wss:"),
        token: await plain.enroll("so-tttt", "tls-to-plain"),
      }),
    ],
    [
      "a path other than /agent",
      "wrong_path",
      async () => ({ url: wsUrl(plain, "/giamsat"), token: await plain.enroll("so-tttt", "path") }),
    ],
    [
      "a CA that did not sign the collector's certificate",
      "wrong_ca",
      async () => ({
        url: wsUrl(tls),
        token: await tls.enroll("so-tttt", "wrong-ca"),
        extra: `tlsCa: "${wrongCa.certPath}"\n`,
        tlsCa: wrongCa.certPath,
      }),
    ],
    [
      "no tlsCa for a private CA",
      "untrusted_ca",
      async () => ({ url: wsUrl(tls), token: await tls.enroll("so-tttt", "no-ca") }),
    ],
    [
      "a self-signed collector certificate",
      "self_signed",
      async () => ({
        url: wsUrl(selfSignedCollector),
        token: await selfSignedCollector.enroll("so-tttt", "self"),
      }),
    ],
    [
      "a pin of another certificate",
      "pin",
      async () => ({
        url: wsUrl(tls),
        token: await tls.enroll("so-tttt", "pin"),
        extra: `tlsCa: "${ca.certPath}"\ntlsPin: "${"ab".repeat(32)}"\n`,
        tlsCa: ca.certPath,
      }),
    ],
    [
      "a token the collector does not know",
      "token",
      async () => ({ url: wsUrl(plain), token: "gsat_this-token-was-never-issued-0000" }),
    ],
    [
      "a revoked token",
      "token",
      async () => {
        const token = await plain.enroll("so-tttt", "revoked");
        await plain.revoke("so-tttt", "revoked");
        return { url: wsUrl(plain), token };
      },
    ],
  ];

  it.each(mistakes)("with %s: exit 1 and the sentence for %s", async (name, problem, make) => {
    const { url, token, extra, tlsCa } = await make();
    const result = await check(config(name.replace(/\W+/g, "-"), url, token, extra));
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.link?.STATUS).toBe("DOWN");
    const advice = linkAdvice(problem, { url, tlsCa }).message;
    if (problem === "pin") {
      // The sentence carries the certificate's actual fingerprint (cut where the column wraps).
      expect(result.link?.REASON).toMatch(
        /^the collector's certificate is not the pinned one \(it has sha256 [0-9A-F: ]{95,96}\): if the data center replaced it, put the new fingerprint in tlsPin:$/,
      );
    } else {
      expect(result.link?.REASON).toBe(advice);
    }
    expect(result.stdout).toMatch(/the link to the collector is DOWN/);
  });

  it("run logs the same sentence at error level, once however often it retries", async () => {
    const url = `ws://127.0.0.1:${await freePort()}/agent`;
    const file = config("run-refused", url, await plain.enroll("so-tttt", "run-refused"));
    const agent = startProgram(AGENT_CLI, ["run", "--config", file]);
    try {
      const line = await agent.waitForLog((l) => l.problem === "refused");
      expect(line).toMatchObject({ level: "error", msg: linkAdvice("refused", { url }).message });
      await agent.waitForLog(
        (l) => l.msg === "reconnecting later" && Number(l.attempt) >= 3,
        20_000,
      );
      const errors = agent
        .output()
        .split("\n")
        .filter((l) => l.includes('"problem":"refused"') && l.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
    } finally {
      await agent.stop();
    }
  });
});
