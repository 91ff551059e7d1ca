// Every command and flag the programs print in --help (and in each command's --help) is documented:
// the programs are found through package.json's `bin` and run as built, so what is checked is what a
// user types and reads.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, readDoc, sectionWithCode } from "./markdown.js";

/** Where each program's commands are documented, for the people who run them. */
const COMMAND_DOCS: Record<string, readonly string[]> = {
  "giamsat-collector": ["docs/operators/commands.md"],
  "giamsat-agent": ["docs/unit-it/install.en.md", "docs/unit-it/install.vi.md"],
};

const bins = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  }
).bin;

/** A command's help text, or undefined when asking for it fails (exit code other than 0). */
function help(script: string, words: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...words, "--help"],
      { cwd: ROOT, encoding: "utf8", timeout: 30_000 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

interface Usage {
  /** The command's words after the program's name, e.g. "user add". */
  command: string;
  flags: string[];
}

const FLAG = /--[a-z][a-z0-9-]*/g;

/** The usage lines of a help text: `program command words --flag ...`, with continuation lines. */
function usages(program: string, text: string): Usage[] {
  const found: Usage[] = [];
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed.startsWith(`${program} `)) return;
    const tokens = trimmed.slice(program.length).trim().split(/\s+/);
    const words: string[] = [];
    for (const token of tokens) {
      if (!/^[a-z][a-z0-9-]*$/.test(token)) break;
      words.push(token);
    }
    let usage = trimmed;
    for (const next of lines.slice(index + 1)) {
      if (!/^\s+[[-]/.test(next) || next.trim().startsWith(program)) break;
      usage += ` ${next.trim()}`;
    }
    found.push({ command: words.join(" "), flags: [...new Set(usage.match(FLAG) ?? [])] });
  });
  return found;
}

/**
 * Every usage of a program: its --help, then the --help of each command found, until no new one.
 * The commands found in one round are asked at the same time: each is a Node process to start.
 */
async function allUsages(
  program: string,
  script: string,
): Promise<{ usages: Usage[]; texts: string[] }> {
  const texts: string[] = [];
  const byCommand = new Map<string, Usage>();
  const asked = new Set<string>();
  let round: string[][] = [[]];
  while (round.length > 0) {
    const fresh = round.filter((words) => !asked.has(words.join(" ")));
    for (const words of fresh) asked.add(words.join(" "));
    const helps = await Promise.all(fresh.map((words) => help(script, words)));
    round = [];
    for (const text of helps) {
      if (text === undefined) continue;
      texts.push(text);
      for (const usage of usages(program, text)) {
        if (!byCommand.has(usage.command)) byCommand.set(usage.command, usage);
        // Ask every prefix too (`user`, then `user add`): a command group may have help of its own.
        const parts = usage.command.split(" ").filter(Boolean);
        for (let n = 1; n <= parts.length; n++) round.push(parts.slice(0, n));
      }
    }
    round = [...new Map(round.map((words) => [words.join(" "), words])).values()];
  }
  return { usages: [...byCommand.values()], texts };
}

/** What the docs of a program lack, each problem naming the page and the command or flag. */
function undocumented(program: string, usages: Usage[], texts: string[]): string[] {
  const pages = COMMAND_DOCS[program];
  if (!pages) {
    return [`${program} is a bin of package.json, but no page is named for it in COMMAND_DOCS`];
  }
  const problems: string[] = [];
  const everyFlag = new Set(texts.flatMap((text) => text.match(FLAG) ?? []));
  for (const page of pages) {
    const markdown = readDoc(page);
    for (const { command, flags } of usages) {
      const name = `${program} ${command}`.trim();
      const section = sectionWithCode(markdown, name);
      if (!section) {
        problems.push(`${page}: no section headed \`${name}\``);
        continue;
      }
      for (const flag of flags) {
        if (!new RegExp(`${flag}(?![a-z0-9-])`).test(section.text)) {
          problems.push(`${page}: section \`${name}\` does not mention ${flag}`);
        }
      }
    }
    for (const flag of everyFlag) {
      if (!new RegExp(`${flag}(?![a-z0-9-])`).test(markdown)) {
        problems.push(`${page}: ${program}'s help mentions ${flag}, the page does not`);
      }
    }
  }
  return problems;
}

describe("commands in the docs", () => {
  it("cover both programs of package.json", () => {
    expect(Object.keys(bins).sort()).toEqual(Object.keys(COMMAND_DOCS).sort());
  });

  it.each(Object.entries(bins))(
    "%s: every command and flag of --help is documented",
    async (program, bin) => {
      const script = join(ROOT, bin);
      expect(existsSync(script), `${bin} is missing: run npm run build first`).toBe(true);
      const { usages, texts } = await allUsages(program, script);
      // The help is read for real: a program whose help lists no command would pass trivially.
      expect(usages.length).toBeGreaterThanOrEqual(2);
      expect(undocumented(program, usages, texts)).toEqual([]);
    },
  );
});
