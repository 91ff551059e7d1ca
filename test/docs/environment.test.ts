// Every environment variable the programs read is documented. The list comes from the source itself
// (process.env in agent/, collector/ and shared/), so a new variable fails here until it is described.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasCode, ROOT, readDoc } from "./markdown.js";

const SOURCE_FOLDERS = ["agent", "collector", "shared"];
const PAGE = "docs/operators/commands.md";

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Names read as process.env.NAME, process.env["NAME"] or `const { NAME } = process.env`. */
function environmentVariables(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(
    /process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\])/g,
  )) {
    const name = match[1] ?? match[2];
    if (name) names.push(name);
  }
  for (const match of source.matchAll(/\{([^}]*)\}\s*=\s*process\.env\b/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(part)?.[1];
      if (name) names.push(name);
    }
  }
  return names;
}

describe("environment variables in the docs", () => {
  const files = SOURCE_FOLDERS.flatMap(sourceFiles);
  const read = new Map<string, string[]>();
  for (const file of files) {
    for (const name of environmentVariables(readFileSync(join(ROOT, file), "utf8"))) {
      read.set(name, [...(read.get(name) ?? []), file]);
    }
  }

  it("are found in the source", () => {
    expect(files.length).toBeGreaterThan(50);
    expect([...read.keys()]).toContain("GIAMSAT_LOG_LEVEL");
  });

  it.each(["en", "vi"])("read by the agent are all in docs/unit-it/install.%s.md", (lang) => {
    const page = `docs/unit-it/install.${lang}.md`;
    const markdown = readDoc(page);
    const agentSide = [...read].filter(([, where]) =>
      where.some((file) => file.startsWith("agent/") || file.startsWith("shared/")),
    );
    expect(agentSide.map(([name]) => name)).toContain("PATH");
    const missing = agentSide.filter(([name]) => !hasCode(markdown, name));
    expect(
      missing.map(([name, where]) => `${page} lacks \`${name}\` (read in ${where.join(", ")})`),
    ).toEqual([]);
  });

  it(`are all in ${PAGE}`, () => {
    const markdown = readDoc(PAGE);
    const missing = [...read].filter(([name]) => !hasCode(markdown, name));
    expect(
      missing.map(([name, where]) => `${PAGE} lacks \`${name}\` (read in ${where.join(", ")})`),
    ).toEqual([]);
  });
});
