// Every message a unit's IT person can meet from the agent, produced by the agent's own code: the
// config loader run on faulty agent.yaml files, the sentence of every link mistake, the buffer's and
// ping's messages rendered with the example values the docs use, the program's usage errors, and
// every message the agent logs at warn, error or fatal level as written in its source (found by
// parsing it). Variable parts are rendered as "…", as the docs write them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { loadAgentConfig } from "../../agent/config.js";
import { LINK_PROBLEMS, linkAdvice } from "../../agent/link-advice.js";
import { diskFullMessage } from "../../agent/outbox/disk.js";
import { newerLayoutMessage } from "../../agent/outbox/file.js";
import { lockedMessage } from "../../agent/outbox/holder.js";
import { noRightsMessage, spawnFailureMessage } from "../../agent/probes/ping.js";
import { NO_STATUS } from "../../agent/status/client.js";
import { ROOT } from "./markdown.js";

/** The examples the troubleshooting pages use. */
export const EXAMPLE = {
  collector: "wss://giamsat.example.gov.vn:8443/agent",
  tlsCa: "/etc/giamsat/collector-ca.pem",
  buffer: "/var/lib/giamsat/agent-buffer.db",
  socket: "/var/lib/giamsat/agent-buffer.db.sock",
};

export interface AgentMessage {
  /** Where it comes from, for the test's failure messages. */
  source: string;
  text: string;
}

const BASE = 'collector: "ws://127.0.0.1:8080/agent"\ntoken: "gsat_0123456789abcdef0123"\n';

/** agent.yaml bodies whose mistakes the config table shows, each loaded by the real loader. */
const FAULTY_CONFIGS = [
  'collector: "ws://127.0.0.1:8080/agent"\n token: "gsat_0123456789abcdef0123"\n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: agent.yaml's ${ENV} substitution, not JS
  BASE.replace('"gsat_0123456789abcdef0123"', '"${GIAMSAT_TOKEN}"'),
  'collector: "http://giamsat.example.gov.vn/agent"\ntoken: "gsat_0123456789abcdef0123"\n',
  'collector: "ws://127.0.0.1:8080/agent"\ntoken: "abc"\n',
  `${BASE}checks:\n  - { name: gateway, category: lan, kind: ping, host: "10.0.0.1" }\n  - { name: portal, category: website, kind: http, url: "https://x.gov.vn/", colour: red }\n`,
  `${BASE}checks:\n  - { name: gateway, category: lan, kind: pingg, host: "10.0.0.1" }\n`,
  `${BASE}checks:\n  - { name: gateway, category: lan, kind: ping, host: "10.0.0.1" }\n  - { name: portal, category: web, kind: http, url: "https://x.gov.vn/" }\n`,
  `${BASE}checks:\n  - { name: a, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: b, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: gateway, category: lan, kind: ping, host: "10.0.0.1" }\n  - { name: gateway, category: lan, kind: ping, host: "10.0.0.2" }\n`,
  `${BASE}host: { interval: "5 minutes" }\n`,
  `${BASE}checks:\n  - { name: a, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: b, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: gateway, category: lan, kind: ping, host: "10.0.0.1", count: 50, timeout: "5s" }\n`,
  `${BASE}checks:\n  - { name: a, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: b, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: c, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: core-switch, category: lan, kind: snmp, host: "10.0.0.2", version: 3 }\n`,
  `${BASE}checks:\n  - { name: a, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: b, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: c, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: core-switch, category: lan, kind: snmp, host: "10.0.0.2", version: 3, user: mon, authProtocol: sha256, authKey: short }\n`,
  `${BASE}checks:\n  - { name: a, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: b, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: c, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: d, category: lan, kind: tcp, host: "10.0.0.1", port: 22 }\n  - { name: portal, category: website, kind: http, url: "https://x.gov.vn/", ca: "./missing.pem" }\n`,
  `${BASE}tlsCa: "./collector-ca.pem"\n`,
  `${BASE}buffer: { maxMegabytes: -1 }\n`,
];

/** The messages the real loader gives for FAULTY_CONFIGS, the file shown as agent.yaml. */
function configMessages(): AgentMessage[] {
  const dir = mkdtempSync(join(tmpdir(), "giamsat-doc-config-"));
  try {
    const missing = messageOf(() => loadAgentConfig(join(dir, "agent.yaml"), {}));
    return [
      {
        source: "a missing agent.yaml",
        text: missing.replaceAll(join(dir, "agent.yaml"), "agent.yaml"),
      },
      ...FAULTY_CONFIGS.flatMap((body, index) => {
        const file = join(dir, "agent.yaml");
        writeFileSync(file, body);
        try {
          loadAgentConfig(file, {});
        } catch (error) {
          return (error as Error).message
            .replaceAll(file, "agent.yaml")
            .split("\n")
            .map((text) => ({ source: `agent.yaml example ${index + 1}`, text }));
        }
        throw new Error(`agent.yaml example ${index + 1} was accepted:\n${body}`);
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("no error");
}

/** Every sentence of link-advice.ts, rendered for the example collector. */
function linkMessages(): AgentMessage[] {
  const setup = { url: EXAMPLE.collector, tlsCa: EXAMPLE.tlsCa };
  const noCa = { url: EXAMPLE.collector };
  const detail: Record<string, string> = { not_a_collector: "200", pin: "…", other: "…" };
  return LINK_PROBLEMS.flatMap((problem) => {
    const variants = [
      linkAdvice(problem, problem === "untrusted_ca" ? noCa : setup, detail[problem] ?? "").message,
    ];
    if (problem === "self_signed") variants.push(linkAdvice(problem, noCa).message);
    if (problem === "wrong_path") {
      variants[0] = linkAdvice(problem, {
        url: EXAMPLE.collector.replace("/agent", "/giamsat"),
      }).message;
    }
    return variants.map((text) => ({ source: `link: ${problem}`, text }));
  });
}

/** The buffer's and ping's sentences, and status's, with the docs' example values. */
function renderedMessages(): AgentMessage[] {
  const holder = { pid: 1234, startedAt: "…", command: "…" };
  const texts: [string, string][] = [
    ["buffer: disk full", diskFullMessage(EXAMPLE.buffer, 0)],
    ["buffer: locked", lockedMessage(EXAMPLE.buffer, holder, () => true)],
    ["buffer: locked, holder unknown", lockedMessage(EXAMPLE.buffer, undefined)],
    ["buffer: newer layout", newerLayoutMessage(EXAMPLE.buffer, 2)],
    ["ping: not installed", spawnFailureMessage("ENOENT")],
    ["ping: not executable", spawnFailureMessage("EACCES")],
    ["ping: capability withheld", spawnFailureMessage("EPERM")],
    ["ping: no ICMP rights", noRightsMessage("/usr/bin/ping")],
    ["status: not running", NO_STATUS.notRunning(EXAMPLE.buffer, EXAMPLE.socket)],
    ["status: not allowed", NO_STATUS.notAllowed(EXAMPLE.socket)],
    ["status: no answer", NO_STATUS.noAnswer(EXAMPLE.buffer, EXAMPLE.socket, 5)],
    ["status: unreadable", NO_STATUS.unreadable(EXAMPLE.socket)],
  ];
  return texts.map(([source, text]) => ({ source, text }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const LOUD = new Set(["warn", "error", "fatal"]);

/**
 * Messages logged at warn, error or fatal level in agent/: the last argument of every `….warn(…)`,
 * `….error(…)` and `….fatal(…)` call. A literal is returned as it is; anything else as its
 * expression, which the docs test must know how to render (`dynamic`).
 */
export function loggedMessages(): { literal: AgentMessage[]; dynamic: AgentMessage[] } {
  const literal: AgentMessage[] = [];
  const dynamic: AgentMessage[] = [];
  for (const file of sourceFiles("agent")) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(ROOT, file), "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        LOUD.has(node.expression.name.text) &&
        node.arguments.length > 0
      ) {
        const message = node.arguments[node.arguments.length - 1] as ts.Expression;
        const where = `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        if (ts.isStringLiteral(message) || ts.isNoSubstitutionTemplateLiteral(message)) {
          literal.push({ source: where, text: message.text });
        } else {
          dynamic.push({ source: where, text: message.getText(source) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { literal, dynamic };
}

/** Everything above: what the troubleshooting pages must show. */
export function agentMessages(): AgentMessage[] {
  return [
    ...configMessages(),
    ...linkMessages(),
    ...renderedMessages(),
    ...loggedMessages().literal,
  ];
}
