// No source file of the agent, the collector or shared/ is over 350 lines: a file that long is usually two
// files, and the next engineer reads a room at a time.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/processes.js";

const MAX_LINES = 350;

/** "path: N lines" for each file longer than the limit. */
function tooLong(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of files) {
    const lines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
    if (lines > MAX_LINES) out.push(`${path}: ${lines} lines (at most ${MAX_LINES})`);
  }
  return out;
}

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts"))
        out.set(relative(ROOT, path), readFileSync(path, "utf8"));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

describe("source files", () => {
  it(`of agent/, collector/ and shared/ are at most ${MAX_LINES} lines`, () => {
    const files = new Map([...sources("agent"), ...sources("collector"), ...sources("shared")]);
    expect(files.size).toBeGreaterThan(50);
    expect(tooLong(files)).toEqual([]);
  });

  it("are named with their length when they are longer", () => {
    const lines = (n: number) => "x\n".repeat(n);
    const found = tooLong(
      new Map([
        ["a.ts", lines(350)],
        ["b.ts", lines(351)],
      ]),
    );
    expect(found).toEqual(["b.ts: 351 lines (at most 350)"]);
  });
});
