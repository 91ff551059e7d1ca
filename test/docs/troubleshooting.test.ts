// The troubleshooting pages for unit IT staff show every message the agent can give them, in its exact
// words, in Vietnamese and in English, each with what to do. The messages are produced by the agent's
// code and program (agent-messages.ts), never copied into this test; and every message the pages'
// tables quote (but for the check results, which come from the targets) is one the agent gives.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AgentMessage, agentMessages, loggedMessages } from "./agent-messages.js";
import { ROOT, readDoc, sections } from "./markdown.js";

const LANGUAGES = ["en", "vi"] as const;
/** The section of check results: its messages come from probes and targets, not from this list. */
const CHECK_RESULTS = { en: "A check is down", vi: "Một nội dung kiểm tra bị gián đoạn" };

/** Messages of the program itself, run as users run it: usage mistakes. */
function usageMessages(): AgentMessage[] {
  const cli = join(ROOT, "dist/agent/cli.js");
  const runs = [["run"], ["…", "--config", "agent.yaml"], ["status", "--offline", "--config", "x"]];
  return runs.map((args) => {
    const run = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 30_000 });
    expect(run.status, `giamsat-agent ${args.join(" ")}`).toBe(2);
    return { source: `giamsat-agent ${args.join(" ")}`, text: run.stderr.trim() };
  });
}

/** Code spans of the first cell of every table row, by the heading of the section they are in. */
function quoted(markdown: string): { section: string; text: string }[] {
  return sections(markdown)
    .filter((section) => section.level === 2)
    .flatMap((section) =>
      section.text
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .flatMap((line) => {
          const cell = line.slice(1, line.search(/\s\|/));
          return [...cell.matchAll(/`([^`]+)`/g)].map((m) => ({
            section: section.heading,
            text: m[1] as string,
          }));
        }),
    );
}

/** A quote stands for a message when equal, or when it ends in "…" and the message begins so. */
function stands(quote: string, message: string): boolean {
  if (quote === message) return true;
  return quote.endsWith(" …") && message.startsWith(quote.slice(0, -1));
}

describe("the troubleshooting pages", () => {
  const messages = [...agentMessages(), ...usageMessages()];

  it("know every message the agent logs, and only ones they can render", () => {
    const { literal, dynamic } = loggedMessages();
    expect(literal.length).toBeGreaterThan(10);
    // Messages built at run time are rendered in agent-messages.ts: a new one must be added there.
    expect(dynamic.map((m) => m.text).sort()).toEqual(
      ["advice.message", "this.#words(free)", "this.#words(free)"].sort(),
    );
  });

  it.each(LANGUAGES)("troubleshooting.%s.md quotes every message, exactly", (lang) => {
    const page = `docs/unit-it/troubleshooting.${lang}.md`;
    const quotes = quoted(readDoc(page));
    const missing = messages.filter((m) => !quotes.some((q) => stands(q.text, m.text)));
    expect(missing.map((m) => `${page} lacks (${m.source}): ${m.text}`)).toEqual([]);
  });

  it.each(LANGUAGES)("troubleshooting.%s.md quotes no message the agent does not give", (lang) => {
    const page = `docs/unit-it/troubleshooting.${lang}.md`;
    const stale = quoted(readDoc(page)).filter(
      (q) => q.section !== CHECK_RESULTS[lang] && !messages.some((m) => stands(q.text, m.text)),
    );
    expect(stale.map((q) => `${page} (${q.section}) quotes: ${q.text}`)).toEqual([]);
  });
});
